// UserFacade: the users (the file, or `shared_store` when set) as `sealgate user add|remove|list`
// manage them: sender addresses parsed from their text, one tab-separated line per user for list.

import MailCore

public struct UserFacade {
    let config: GatewayConfig

    public init(config: GatewayConfig) { self.config = config }

    public func add(name: String, password: String, addresses: SenderAddresses) throws {
        try withUsers { try $0.add(name: name, password: password, addresses: addresses.list) }
    }

    /// False when there was no such user.
    public func remove(name: String) throws -> Bool {
        try withUsers { try $0.remove(name: name) }
    }

    /// `name<TAB>address,address…` per user.
    public func listLines() throws -> [String] {
        try withUsers { try $0.list() }.map { "\($0.name)\t\($0.addresses.map(\.description).joined(separator: ","))" }
    }

    /// The store is opened per call: the shared store's when configured, else the users file.
    private func withUsers<T>(_ body: (any UserDirectory) throws -> T) throws -> T {
        try SharedState.withCLI(config) { shared in
            let users: any UserDirectory = try shared.map { $0.users } ?? UserStore(path: config.usersPath)
            return try body(users)
        }
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
