// PortalPepper: the server-side secret of the portal's key scheme, 32 random bytes in a 0600 key file
// on each node (never in the store); every key the store uses is derived from it and something else.

import Crypto
import Foundation
import SafeIO

public struct PortalPepper: Sendable, CustomStringConvertible {
    static let byteCount = 32
    static let headerLine = "# sealgate portal pepper v1: base64 of 32 random bytes; the same file on every node, never in the store"

    /// The raw secret; the scheme only ever feeds it to HKDF.
    let bytes: [UInt8]

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// Reads the key file: it must be a regular file owned by this user and private (0600), holding
    /// the header comment and one base64 line of 32 bytes.
    public static func load(path: String) throws -> PortalPepper {
        let contents: [UInt8]?
        do {
            contents = try SafeIO.readPrivate(path)
        } catch let error as SafeIOError where error.operation == .insecurePermissions {
            throw PortalStoreError.pepperFile(path: path, problem: error.description)
        }
        guard let contents else { throw PortalStoreError.pepperFile(path: path, problem: "no such file") }
        let lines = String(decoding: contents, as: UTF8.self).split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard lines.count == 1, let raw = Data(base64Encoded: lines[0]), raw.count == byteCount else {
            throw PortalStoreError.pepperFile(path: path, problem: "expected one base64 line of 32 bytes")
        }
        return PortalPepper(bytes: [UInt8](raw))
    }

    /// Makes a new key file (0600, created exclusively: an existing file is never replaced) and returns
    /// its pepper. Copy the file to every node that serves the same store.
    public static func create(path: String, randomness: any PortalRandomness) throws -> PortalPepper {
        let pepper = PortalPepper(bytes: randomness.bytes(byteCount))
        let text = "\(headerLine)\n\(Data(pepper.bytes).base64EncodedString())\n"
        try SafeIO.createSynced(path, Array(text.utf8), mode: 0o600)
        try SafeIO.syncDirectory(SafeIO.directory(of: path))
        return pepper
    }

    /// Redacted: the pepper never prints itself.
    public var description: String { "<portal pepper>" }
}
