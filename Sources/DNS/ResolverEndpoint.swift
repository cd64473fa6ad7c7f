// Where queries go: an IP address and port parsed from "127.0.0.54:53", "[::1]:53" or a bare
// address, and the first nameserver of /etc/resolv.conf as the default.
import Foundation
import MailCore

public struct ResolverEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16 = 53) {
        self.address = address
        self.port = port
    }

    /// Parses "1.2.3.4:53", "[::1]:53", "1.2.3.4" or "::1" (port 53 when none is given).
    public init?(_ text: String) {
        let s = text.trimmingCharacters(in: .whitespaces)
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]"), let ip = IPAddress(String(s[s.index(after: s.startIndex)..<close]))
            else { return nil }
            let rest = s[s.index(after: close)...]
            if rest.isEmpty { self.init(address: ip); return }
            guard rest.hasPrefix(":"), let port = UInt16(rest.dropFirst()), port > 0 else { return nil }
            self.init(address: ip, port: port)
        } else if let ip = IPAddress(s) {
            self.init(address: ip)
        } else {
            let parts = s.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let ip = IPAddress(String(parts[0])), case .v4 = ip,
                  let port = UInt16(parts[1]), port > 0 else { return nil }
            self.init(address: ip, port: port)
        }
    }

    public var isLoopback: Bool {
        switch address {
        case .v4(let b): return b[0] == 127
        case .v6(let b): return b[0..<15].allSatisfy { $0 == 0 } && b[15] == 1
        }
    }

    public var description: String {
        switch address {
        case .v4: return "\(address):\(port)"
        case .v6: return "[\(address)]:\(port)"
        }
    }
}

extension LDNSResolver {
    /// The first usable `nameserver` line of resolv.conf, as "ip:53" or "[ip6]:53"; nil if none.
    public static func firstNameserver(resolvConf: String = "/etc/resolv.conf") -> String? {
        guard let text = try? String(contentsOfFile: resolvConf, encoding: .utf8) else { return nil }
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, fields[0] == "nameserver" else { continue }
            var host = String(fields[1])
            if let pct = host.firstIndex(of: "%") { host = String(host[..<pct]) }
            if let ip = IPAddress(host) { return ResolverEndpoint(address: ip).description }
        }
        return nil
    }
}
