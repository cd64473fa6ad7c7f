// Pure parsers for the value syntaxes the config file uses: durations, listen addresses,
// smarthosts, resolver addresses, byte sizes and paths. Each returns a value or an error text.
import Foundation
import MailCore

enum ConfigValueParsers {
    /// `30s`, `5m`, `2h`, `5d` (a whole number and one unit).
    static func duration(_ text: String) -> Result<TimeInterval, ConfigValueError> {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        let hint = "bad duration '\(text)': use a whole number followed by s, m, h or d (e.g. 30s, 5m, 2h, 5d)"
        guard let unit = text.last, let factor = units[unit] else { return .failure(.init(hint)) }
        let digits = text.dropLast()
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigitChar), let n = Int(digits) else { return .failure(.init(hint)) }
        return .success(Double(n) * factor)
    }

    /// A byte count: `36700160`, `35MiB`, `64KiB`, `1GiB`.
    static func byteSize(_ text: String) -> Result<Int, ConfigValueError> {
        let suffixes: [(String, Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("", 1)]
        for (suffix, factor) in suffixes where text.hasSuffix(suffix) {
            let digits = text.dropLast(suffix.count)
            if !digits.isEmpty, digits.allSatisfy(\.isASCIIDigitChar), let n = Int(digits), n > 0,
               n <= Int.max / factor {
                return .success(n * factor)
            }
        }
        return .failure(.init("bad size '\(text)': use a positive number of bytes, optionally with KiB, MiB or GiB"))
    }

    /// A listen address: an IP literal and a port, `127.0.0.1:2525` or `[::1]:2525`.
    static func listenAddress(_ text: String) -> Result<(host: String, port: Int), ConfigValueError> {
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
    static func smarthost(_ text: String, defaultPort: Int) -> Result<HostPort, ConfigValueError> {
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
    static func resolver(_ text: String) -> Result<String, ConfigValueError> {
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

struct ConfigValueError: Error, Equatable {
    var message: String
    init(_ message: String) { self.message = message }
}

extension Character {
    var isASCIIDigitChar: Bool { ("0"..."9").contains(self) }
}
