// The default DNS resolver: the first `nameserver` line of /etc/resolv.conf, used when the
// config leaves dns.resolver unset. Returned in the same IP:PORT form as dns.resolver.
import Foundation

extension GatewayConfig {
    /// `dnsResolver`, or else the first nameserver in `resolvConfPath`; nil when neither exists.
    public func effectiveDNSResolver(resolvConfPath: String = "/etc/resolv.conf") -> String? {
        if let dnsResolver { return dnsResolver }
        guard let text = try? String(contentsOfFile: resolvConfPath, encoding: .utf8) else { return nil }
        return ResolvConf.firstNameserver(in: text)
    }
}

enum ResolvConf {
    static func firstNameserver(in text: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2, words[0] == "nameserver",
                  case .success(let resolver) = ConfigValueParsers.resolver(String(words[1])) else { continue }
            return resolver
        }
        return nil
    }
}
