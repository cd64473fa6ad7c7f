// UserFacade: the users file as `sealgate user add|remove|list` manage it: sender addresses parsed
// from their text, one tab-separated line per user for list. The store is opened per call.

import MailCore

public struct UserFacade {
    let path: String

    public init(config: GatewayConfig) { path = config.usersPath }

    public func add(name: String, password: String, addresses: SenderAddresses) throws {
        try UserStore(path: path).add(name: name, password: password, addresses: addresses.list)
    }

    /// False when there was no such user.
    public func remove(name: String) throws -> Bool {
        try UserStore(path: path).remove(name: name)
    }

    /// `name<TAB>address,address…` per user.
    public func listLines() throws -> [String] {
        try UserStore(path: path).list().map { "\($0.name)\t\($0.addresses.map(\.description).joined(separator: ","))" }
    }
}

/// The addresses a user may send as, parsed (UTF-8 allowed).
public struct SenderAddresses {
    let list: [MailAddress]

    public var count: Int { list.count }

    /// Throws `InvalidInput` ("bad address …") for the first text that is not an address.
    public init(_ texts: [String]) throws {
        list = try texts.map { text in
            do { return try MailAddressParser.parse(text, allowUTF8: true) } catch {
                throw InvalidInput("bad address \(text): \(error)")
            }
        }
    }
}
