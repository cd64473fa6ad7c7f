// InvalidInput: what a CLI facade throws when an argument it was given is malformed (a queue ID,
// an address, an IP); the command turns it into a usage error with the same text.

public struct InvalidInput: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) { self.description = description }
}
