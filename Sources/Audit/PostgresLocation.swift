// PostgresLocation: the config form `postgresql://USER@HOST:PORT/DB?sslmode=…` parsed into what a
// postgres-nio connection needs; the password comes from a 0600 file, never from the URL.

import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOSSL
import PostgresNIO

public struct PostgresLocation: Sendable, Equatable {
    public enum SSLMode: String, Sendable, CaseIterable {
        /// Plain TCP only.
        case disable
        /// TLS when the server offers it, its certificate unchecked (libpq's default).
        case prefer
        /// TLS always, the certificate unchecked.
        case require
        /// TLS always, the certificate checked against `sslrootcert` (or the system CAs), not the name.
        case verifyCA = "verify-ca"
        /// TLS always, the certificate and the host name checked.
        case verifyFull = "verify-full"
    }

    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    public var sslMode: SSLMode
    /// `sslrootcert=PATH`: the CA file for verify-ca and verify-full.
    public var rootCertificatePath: String?
    /// `host=/DIR` in the query: connect to the Unix socket `DIR/.s.PGSQL.PORT` instead of TCP.
    public var socketDirectory: String?

    public init(user: String, host: String, port: Int = 5432, database: String, sslMode: SSLMode = .prefer,
                rootCertificatePath: String? = nil, socketDirectory: String? = nil) {
        self.user = user; self.host = host; self.port = port; self.database = database; self.sslMode = sslMode
        self.rootCertificatePath = rootCertificatePath; self.socketDirectory = socketDirectory
    }

    /// The URL as logs and errors show it (it never holds a password).
    public var description: String {
        var text = "postgresql://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
        var options = ["sslmode=\(sslMode.rawValue)"]
        if let socketDirectory { options.append("host=\(socketDirectory)") }
        text += "?" + options.joined(separator: "&")
        return text
    }

    /// Parses `postgresql://USER@HOST[:PORT]/DB[?sslmode=…&sslrootcert=…&host=/socket/dir]`
    /// (`postgres://` too). A password in the URL is refused: it belongs in the password file.
    public static func parse(_ text: String) throws -> PostgresLocation {
        func bad(_ why: String) -> PostgresLocationError { .invalid(url: redacted(text), reason: why) }
        guard text.hasPrefix("postgresql://") || text.hasPrefix("postgres://"),
              let parts = URLComponents(string: text) else { throw bad("expected postgresql://USER@HOST:PORT/DB") }
        guard parts.password == nil else { throw bad("put the password in audit.password_file, not in the URL") }
        guard let user = parts.user, !user.isEmpty else { throw bad("no user (postgresql://USER@HOST/DB)") }
        guard let host = parts.host, !host.isEmpty else { throw bad("no host") }
        let database = String(parts.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw bad("no database name (…/DB)") }
        var location = PostgresLocation(user: user.removingPercentEncoding ?? user,
                                        host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")),
                                        port: parts.port ?? 5432, database: database)
        for item in parts.queryItems ?? [] {
            guard let value = item.value, !value.isEmpty else { throw bad("option \(item.name) has no value") }
            switch item.name {
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else {
                    throw bad("sslmode must be one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                location.sslMode = mode
            case "sslrootcert": location.rootCertificatePath = value
            case "host":
                guard value.hasPrefix("/") else { throw bad("host= names a socket directory (an absolute path)") }
                location.socketDirectory = value
            default: throw bad("unknown option \(item.name) (known: sslmode, sslrootcert, host)")
            }
        }
        return location
    }

    /// The URL with anything between "//" and "@" cut, for error messages.
    public static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text.range(of: "@", range: scheme.upperBound..<text.endIndex),
              text[scheme.upperBound..<at.lowerBound].contains(":") else { return text }
        let user = text[scheme.upperBound..<at.lowerBound].prefix { $0 != ":" }
        return String(text[..<scheme.upperBound]) + user + ":***" + String(text[at.lowerBound...])
    }

    /// The TLS configuration the mode asks for; nil for `disable`.
    func tlsConfiguration() -> TLSConfiguration? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .disable: return nil
        case .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        if let rootCertificatePath { tls.trustRoots = .file(rootCertificatePath) }
        return tls
    }

    /// A single connection's configuration (the store's writer, which holds the node's lock).
    func connectionConfiguration(password: String?) throws -> PostgresConnection.Configuration {
        var config: PostgresConnection.Configuration
        if let socketDirectory {
            config = .init(unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password,
                           database: database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            switch (sslMode, tlsConfiguration()) {
            case (_, nil): tls = .disable
            case (.prefer, let c?): tls = .prefer(try NIOSSLContext(configuration: c))
            case (_, let c?): tls = .require(try NIOSSLContext(configuration: c))
            }
            config = .init(host: host, port: port, username: user, password: password, database: database, tls: tls)
            if sslMode == .verifyFull { config.options.tlsServerName = host }
        }
        config.options.connectTimeout = .seconds(5)
        return config
    }

    /// The pool's configuration (reads: queries, verify, the other nodes' heads).
    public func clientConfiguration(password: String?) -> PostgresClient.Configuration {
        var config: PostgresClient.Configuration
        if let socketDirectory {
            config = .init(unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password,
                           database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS
            switch (sslMode, tlsConfiguration()) {
            case (_, nil): tls = .disable
            case (.prefer, let c?): tls = .prefer(c)
            case (_, let c?): tls = .require(c)
            }
            config = .init(host: host, port: port, username: user, password: password, database: database, tls: tls)
            if sslMode == .verifyFull { config.options.tlsServerName = host }
        }
        config.options.connectTimeout = .seconds(5)
        config.options.maximumConnections = 4
        return config
    }

    /// Reads the password file: owner-only (mode 0600 or stricter), one line, trailing newline dropped.
    public static func readPassword(file path: String) throws -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { throw PostgresLocationError.passwordFile(path: path, reason: String(cString: strerror(errno))) }
        guard info.st_mode & 0o077 == 0 else {
            throw PostgresLocationError.passwordFile(path: path, reason: "readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw PostgresLocationError.passwordFile(path: path, reason: "cannot read it as UTF-8")
        }
        return String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
    }
}

public enum PostgresLocationError: Error, Sendable, CustomStringConvertible, Equatable {
    case invalid(url: String, reason: String)
    case passwordFile(path: String, reason: String)

    /// What is wrong, without the URL.
    public var reason: String {
        switch self {
        case .invalid(_, let reason), .passwordFile(_, let reason): return reason
        }
    }

    public var description: String {
        switch self {
        case .invalid(let url, let reason): return "audit store \(url): \(reason)"
        case .passwordFile(let path, let reason): return "password file \(path): \(reason)"
        }
    }
}
