// Pure parsers for the value syntaxes only the config file uses: listen addresses, smarthosts,
// resolver addresses and paths (sizes and durations are YAMLSyntax's). Each returns a value or an error text.
import Foundation
import MailCore
import YAMLSyntax

enum ConfigValueParsers {
    /// A listen address: an IP literal and a port, `127.0.0.1:2525` or `[::1]:2525`.
    static func listenAddress(_ text: String) -> Result<(host: String, port: Int), YAMLValueError> {
        let hint = "bad address '\(text)': expected IP:PORT, e.g. \"127.0.0.1:2525\" or \"[::1]:2525\""
        guard let (host, portText, _) = splitHostPort(text), let portText else { return .failure(.init(hint)) }
        guard let ip = IPAddress(host) else {
            return .failure(.init("bad address '\(text)': '\(host)' is not an IP address (listeners bind IP literals)"))
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            return .failure(.init("bad address '\(text)': port must be a number from 0 to 65535"))
        }
        return .success((ip.description, port))
    }

    /// `[host]:port` (no MX lookup), `[host]`, `host:port` or `host` (MX lookup).
    static func smarthost(_ text: String, defaultPort: Int) -> Result<HostPort, YAMLValueError> {
        let hint = "bad smarthost '\(text)': expected [HOST]:PORT (no MX lookup) or HOST (MX lookup), e.g. \"[127.0.0.1]:2526\""
        guard let (host, portText, bracketed) = splitHostPort(text) else { return .failure(.init(hint)) }
        let isIP = IPAddress(host) != nil
        guard isIP || DomainName(host) != nil else {
            return .failure(.init("bad smarthost '\(text)': '\(host)' is neither a host name nor an IP address"))
        }
        var port = defaultPort
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else {
                return .failure(.init("bad smarthost '\(text)': port must be a number from 1 to 65535"))
            }
            port = p
        }
        let normalizedHost = IPAddress(host)?.description ?? host
        return .success(HostPort(host: normalizedHost, port: port, mxLookup: !bracketed && !isIP))
    }

    /// A DNS resolver: an IP literal with an optional port (53 by default), normalised to IP:PORT.
    static func resolver(_ text: String) -> Result<String, YAMLValueError> {
        let hint = "bad resolver '\(text)': expected IP or IP:PORT, e.g. \"127.0.0.54:53\" or \"[::1]:53\""
        if let ip = IPAddress(text) { return .success(HostPort.render(host: ip.description, port: 53)) }
        guard let (host, portText, _) = splitHostPort(text), let ip = IPAddress(host) else { return .failure(.init(hint)) }
        var port = 53
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else { return .failure(.init(hint)) }
            port = p
        }
        return .success(HostPort.render(host: ip.description, port: port))
    }

    /// Splits `[h]:p`, `[h]`, `h:p` or `h`. A bare IPv6 literal (several colons) is refused.
    static func splitHostPort(_ text: String) -> (host: String, port: String?, bracketed: Bool)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard !host.isEmpty else { return nil }
            if rest.isEmpty { return (host, nil, true) }
            guard rest.hasPrefix(":"), rest.count > 1 else { return nil }
            return (host, String(rest.dropFirst()), true)
        }
        let colons = text.filter { $0 == ":" }.count
        guard !text.isEmpty, colons <= 1 else { return nil }
        if colons == 0 { return (text, nil, false) }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return (String(parts[0]), String(parts[1]), false)
    }

    /// The portal's base URL: `https://HOST[:PORT]`, no query, fragment or user; returned
    /// without a trailing slash. Plain http is refused: the link's token must never cross in clear.
    static func portalBaseURL(_ text: String) -> Result<String, YAMLValueError> {
        let example = "e.g. \"https://portal.clinic.example\""
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased() else {
            return .failure(.init("bad URL '\(text)': \(example)"))
        }
        guard scheme == "https" else { return .failure(.init("'\(text)' must use https (links carry a secret), \(example)")) }
        guard let host = url.host, !host.isEmpty else { return .failure(.init("'\(text)' has no host, \(example)")) }
        guard url.query == nil, url.fragment == nil, url.user == nil, url.password == nil else {
            return .failure(.init("'\(text)' must not have a query, a fragment or a user name, \(example)"))
        }
        // The pages live at the site's root and the session cookie is __Host- (Path=/): a sub-path
        // would break both, so the portal gets a host name (or port) of its own.
        guard url.path.isEmpty || url.path == "/" else {
            return .failure(.init("'\(text)' must be the site's root, without a path (the portal serves its pages at /), \(example)"))
        }
        var out = text
        while out.hasSuffix("/") { out.removeLast() }
        return .success(out)
    }

    /// Makes `path` absolute against `base` and removes `.`, `..` and trailing slashes.
    static func resolvePath(_ path: String, base: String) -> String {
        let joined = path.hasPrefix("/") ? path : base + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
