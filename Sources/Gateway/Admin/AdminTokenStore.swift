// AdminTokenStore: the admin API's bearer tokens. A token is `sgt_` + 32 random bytes in base64url
// (256 bits); the file (JSON, 0600, replaced atomically through SafeIO under an flock) keeps only its
// SHA-256 with the name, role and creation time. The daemon reads the file at each request.

import Crypto
import Foundation
import SafeIO

public enum AdminRole: String, Sendable, Codable, CaseIterable {
    /// Queries, queue status, traces and /metrics.
    case read
    /// Everything `read` may, and the admin-only routes.
    case admin

    public func allows(_ needed: AdminRole) -> Bool { self == .admin || needed == .read }
}

public struct AdminTokenRecord: Sendable, Codable, Equatable {
    public var name: String
    public var role: AdminRole
    /// Lower-case hex SHA-256 of the whole token text.
    public var sha256: String
    public var created: Date
}

public enum AdminTokenError: Error, CustomStringConvertible, Equatable {
    case badName(String)
    case exists(String)
    case unreadable(String)

    public var description: String {
        switch self {
        case .badName(let n): return "token name '\(n)': use 1-64 letters, digits, '.', '_' or '-'"
        case .exists(let n): return "a token named \(n) exists: remove it first"
        case .unreadable(let why): return "admin token file: \(why)"
        }
    }
}

public struct AdminTokenStore: Sendable {
    public let path: String
    public static let prefix = "sgt_"

    public init(path: String) { self.path = path }

    private struct FileBody: Codable { var tokens: [AdminTokenRecord] }

    /// Every token (no secrets); empty when the file does not exist.
    public func list() throws -> [AdminTokenRecord] {
        let bytes: [UInt8]?
        do { bytes = try SafeIO.readPrivate(path) } catch { throw AdminTokenError.unreadable("\(error)") }
        guard let bytes else { return [] }
        do { return try Self.decoder.decode(FileBody.self, from: Data(bytes)).tokens } catch {
            throw AdminTokenError.unreadable("\(path) is not a token file: \(error)")
        }
    }

    /// Makes a new token and stores its hash; returns the token, the only time it is ever shown.
    public func add(name: String, role: AdminRole, now: Date) throws -> String {
        guard Self.validName(name) else { throw AdminTokenError.badName(name) }
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        let token = Self.prefix + Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        try update { tokens in
            guard !tokens.contains(where: { $0.name == name }) else { throw AdminTokenError.exists(name) }
            tokens.append(AdminTokenRecord(name: name, role: role, sha256: Self.hash(token), created: now))
        }
        return token
    }

    /// Removes the named token; false when there was none.
    public func remove(name: String) throws -> Bool {
        var removed = false
        try update { tokens in
            let before = tokens.count
            tokens.removeAll { $0.name == name }
            removed = tokens.count != before
        }
        return removed
    }

    /// The token's record when the presented text matches one (each stored hash compared in constant time).
    public func authenticate(_ presented: String) throws -> AdminTokenRecord? {
        let digest = Array(SHA256.hash(data: Data(presented.utf8)))
        var found: AdminTokenRecord?
        for record in try list() {
            guard let stored = Self.bytes(hex: record.sha256), stored.count == digest.count else { continue }
            var difference: UInt8 = 0
            for i in 0..<digest.count { difference |= stored[i] ^ digest[i] }
            if difference == 0 && found == nil { found = record }
        }
        return found
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func validName(_ name: String) -> Bool {
        (1...64).contains(name.count) && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)
        }
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let chars = Array(hex.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < chars.count {
            guard let b = UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(b); i += 2
        }
        return out
    }

    private func update(_ change: (inout [AdminTokenRecord]) throws -> Void) throws {
        let directory = SafeIO.directory(of: path)
        try SafeIO.makeDirectory(directory, mode: 0o700, parents: true, tighten: false)
        try SafeIO.withExclusiveLock(path + ".lock") {
            var tokens = try list()
            try change(&tokens)
            let data = try Self.encoder.encode(FileBody(tokens: tokens))
            try SafeIO.writeFile(path, [UInt8](data) + [0x0A], mode: 0o600)
        }
    }

    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.dateEncodingStrategy = .iso8601
        return e
    }()
    private static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()
}
