// KeysFacade: `sealgate keys import|list|show|remove` over the recipient key store in the
// config's keys.directory; rows for the terminal or JSON (snake_case), refusals as one line.

import Foundation
import MailCore
import MessageCrypto
import SafeIO

/// One key on file for one address, as the CLI shows it.
public struct RecipientKeyRow: Equatable, Sendable {
    public let address: String
    /// "smime" or "pgp".
    public let kind: String
    public let fingerprint: String
    public let notBefore: String?
    public let notAfter: String?
    public let cipher: String?
    /// "valid", or why not at the time of the call ("expired 2026-10-01", "not valid before …").
    public let status: String
    /// True for the key a lookup for this address and kind picks now (show only; list leaves it false).
    public let chosen: Bool
}

/// A keys command refused or failed; `description` is one line for the terminal.
public struct KeysCommandError: Error, CustomStringConvertible, Equatable {
    public let description: String
}

public struct KeysFacade {
    let store: RecipientKeyStore
    let now: () -> Date
    public var directory: String { store.directory }

    public init(config: GatewayConfig, now: @escaping () -> Date = Date.init) {
        store = RecipientKeyStore(directory: config.keysDirectory)
        self.now = now
    }

    /// Imports the key in `path` (relative to `currentDirectory`); `cipher` is "aes-256-cbc" or "aes-256-gcm".
    public func importKey(path: String, cipher: String?, currentDirectory: String) throws -> [RecipientKeyRow] {
        var chosenCipher: SMIMECipher?
        if let cipher {
            guard let c = SMIMECipher(rawValue: cipher.lowercased()) else {
                throw InvalidInput("bad --cipher \(cipher): use \(SMIMECipher.allCases.map(\.rawValue).joined(separator: " or "))")
            }
            chosenCipher = c
        }
        let file = ConfigValueParsers.resolvePath(path, base: currentDirectory)
        let bytes: [UInt8]
        do {
            guard let read = try SafeIO.read(file) else { throw KeysCommandError(description: "\(path): no such file") }
            bytes = read
        } catch let error as SafeIOError {
            throw KeysCommandError(description: "\(error)")
        }
        let at = now()
        return try keys { try store.import(bytes, now: at, cipher: chosenCipher).map { row($0, at: at, chosen: false) } }
    }

    public func list() throws -> [RecipientKeyRow] {
        let at = now()
        return try keys { try store.list().map { row($0, at: at, chosen: false) } }
    }

    /// The keys on file for one address, marking the ones a lookup would use now. Throws when there are none.
    public func show(address text: String) throws -> [RecipientKeyRow] {
        guard let address = try? MailAddressParser.parse(text, allowUTF8: true) else { throw InvalidInput("bad address \(text)") }
        let at = now()
        return try keys {
            let entries = try store.entries(for: address)
            guard !entries.isEmpty else { throw RecipientKeyError.notFound(text) }
            var chosen: Set<String> = []
            for kind in RecipientKeyKind.allCases {
                if let key = try store.usableKey(for: address, kind: kind, now: at).key { chosen.insert(key.entry.fingerprint) }
            }
            return entries.map { row($0, at: at, chosen: chosen.contains($0.fingerprint)) }
        }
    }

    /// Removes by address or by fingerprint; returns what was removed.
    public func remove(_ addressOrFingerprint: String) throws -> [RecipientKeyRow] {
        let at = now()
        return try keys { try store.remove(addressOrFingerprint: addressOrFingerprint).map { row($0, at: at, chosen: false) } }
    }

    // MARK: rendering

    /// One line per row: address, kind, fingerprint, expiry, status (and the cipher when chosen at import).
    public static func text(_ rows: [RecipientKeyRow]) -> [String] {
        rows.map { r in
            var line = "\(r.address)  \(r.kind)  \(r.fingerprint)  until \(r.notAfter ?? "never")  \(r.status)"
            if let cipher = r.cipher { line += "  cipher \(cipher)" }
            if r.chosen { line += "  (in use)" }
            return line
        }
    }

    public static func json(_ rows: [RecipientKeyRow], includeChosen: Bool = false) -> String {
        QueueReport.json(rows.map { r -> [String: Any] in
            var o: [String: Any] = ["address": r.address, "kind": r.kind, "fingerprint": r.fingerprint, "status": r.status,
                                    "not_before": r.notBefore ?? NSNull(), "not_after": r.notAfter ?? NSNull(),
                                    "cipher": r.cipher ?? NSNull()]
            if includeChosen { o["chosen"] = r.chosen }
            return o
        })
    }

    private func row(_ e: KeyEntry, at: Date, chosen: Bool) -> RecipientKeyRow {
        var status = "valid"
        if let nb = e.notBefore, nb > at { status = "not valid before \(Self.day(nb))" }
        if let na = e.notAfter, na <= at { status = "expired \(Self.day(na))" }
        return RecipientKeyRow(address: e.address, kind: e.kind.rawValue, fingerprint: e.fingerprint,
                               notBefore: e.notBefore.map(Self.timestamp), notAfter: e.notAfter.map(Self.timestamp),
                               cipher: e.cipher?.rawValue, status: status, chosen: chosen)
    }

    /// Runs a store call, turning its errors into one-line `KeysCommandError`s.
    private func keys<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as RecipientKeyError { throw KeysCommandError(description: error.description) }
    }

    static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }

    static func day(_ date: Date) -> String { String(timestamp(date).prefix(10)) }
}
