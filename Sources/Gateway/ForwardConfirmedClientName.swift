// ForwardConfirmedClientName: the client's name for the Received header, Postfix-style: the PTR
// name only when a forward lookup of that name gives the client's address back; otherwise "unknown".

import DNS
import MailCore
import SMTPServer

struct ForwardConfirmedClientName: ClientNameLookup {
    let resolver: Resolver

    init(resolver: Resolver) { self.resolver = resolver }

    static let loopback = ["127.0.0.0/8", "::1/128"].compactMap(IPNetwork.init)

    /// The verified name, or nil ("unknown") when there is none, it does not confirm, or DNS fails.
    func name(for address: IPAddress) async -> String? {
        // Loopback clients are local programs; there is nothing to ask DNS about them.
        guard !ForwardConfirmedClientName.loopback.contains(where: { $0.contains(address) }) else { return nil }
        guard let ptr = try? await resolver.ptr(address) else { return nil }
        for candidate in ptr.records.prefix(5) {
            let name = candidate.hasSuffix(".") ? String(candidate.dropLast()) : candidate
            guard DomainName(name) != nil,
                  let forward = try? await resolver.addresses(name),
                  forward.records.contains(address) else { continue }
            return name.lowercased()
        }
        return nil
    }
}
