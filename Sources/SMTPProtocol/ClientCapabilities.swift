// ClientCapabilities: what a server's EHLO reply offers (RFC 5321 §4.1.1.1), as the SMTP client
// needs it: PIPELINING, SIZE, 8BITMIME, STARTTLS, SMTPUTF8, DSN, REQUIRETLS, AUTH mechanisms.

import MailCore

public struct ServerCapabilities: Sendable, Equatable {
    /// The first line of the EHLO reply: the server's name and greeting text.
    public var serverName: String
    public var esmtp: Bool
    public var pipelining = false
    /// SIZE; nil when not offered, 0 when offered without a limit.
    public var size: Int?
    public var eightBitMIME = false
    public var startTLS = false
    public var smtputf8 = false
    public var dsn = false
    public var requireTLS = false
    public var enhancedStatusCodes = false
    public var chunking = false
    public var auth: [String] = []
    /// Every keyword offered, upper-cased, with its parameters.
    public var keywords: [String: [String]] = [:]

    /// Capabilities of a peer that answered HELO only (no extensions).
    public static func helo(_ reply: SMTPReply) -> ServerCapabilities {
        ServerCapabilities(serverName: reply.lines.first ?? "", esmtp: false)
    }

    init(serverName: String, esmtp: Bool) {
        self.serverName = serverName
        self.esmtp = esmtp
    }

    /// Parses a positive EHLO reply. The first line is the greeting; each further line is a keyword.
    public init(ehlo reply: SMTPReply) {
        self.init(serverName: reply.lines.first ?? "", esmtp: true)
        for line in reply.lines.dropFirst() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = words.first else { continue }
            // Some old servers write "AUTH=LOGIN PLAIN"; treat it as AUTH.
            var keyword = first.uppercased()
            var params = Array(words.dropFirst())
            if keyword.hasPrefix("AUTH=") {
                params.insert(String(keyword.dropFirst(5)), at: 0)
                keyword = "AUTH"
            }
            keywords[keyword, default: []].append(contentsOf: params)
            switch keyword {
            case "PIPELINING": pipelining = true
            case "SIZE": size = params.first.flatMap { Int($0) } ?? 0
            case "8BITMIME": eightBitMIME = true
            case "STARTTLS": startTLS = true
            case "SMTPUTF8": smtputf8 = true
            case "DSN": dsn = true
            case "REQUIRETLS": requireTLS = true
            case "ENHANCEDSTATUSCODES": enhancedStatusCodes = true
            case "CHUNKING": chunking = true
            case "AUTH":
                for p in params.map({ $0.uppercased() }) where !auth.contains(p) { auth.append(p) }
            default: break
            }
        }
    }

    /// True when a message of `bytes` octets fits the advertised SIZE (no limit when 0 or absent).
    public func accepts(size bytes: Int) -> Bool {
        guard let size, size > 0 else { return true }
        return bytes <= size
    }
}
