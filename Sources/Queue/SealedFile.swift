// SealedFile: the encrypted at-rest format of every spool file. "SGQ1", a version byte, the key ID
// and a nonce, then AES-256-GCM ciphertext+tag; the header, file kind and queue ID are the AAD.

import Crypto
import Foundation
import MailCore

/// What a spool file holds. Bound into the AAD so one kind of file cannot stand in for another.
enum SpoolFileKind: String, Sendable {
    case message = "msg", envelope = "env", states = "state"
}

enum SealedFile {
    static let magic: [UInt8] = Array("SGQ1".utf8)
    static let formatVersion: UInt8 = 1
    static let nonceSize = 12
    static let tagSize = 16
    /// magic(4) + version(1) + key ID(4) + nonce(12)
    static let headerSize = 4 + 1 + 4 + nonceSize

    static func seal(_ plaintext: [UInt8], kind: SpoolFileKind, id: QueueID, keyring: SpoolKeyring) throws -> [UInt8] {
        let keyID = keyring.currentKeyID
        guard let key = keyring.key(keyID) else { throw SpoolError.unknownKey(keyID) }
        let nonce = AES.GCM.Nonce()
        var header = magic
        header.append(formatVersion)
        header.append(contentsOf: bigEndian(keyID))
        header.append(contentsOf: nonce.withUnsafeBytes { Array($0) })
        let aad = associatedData(header: header, kind: kind, id: id)
        let box: AES.GCM.SealedBox
        do {
            box = try AES.GCM.seal(plaintext, using: key, nonce: nonce, authenticating: aad)
        } catch {
            throw SpoolError.corrupt("encryption failed for \(kind.rawValue)/\(id): \(error)")
        }
        var out = header
        out.reserveCapacity(header.count + plaintext.count + tagSize)
        out.append(contentsOf: box.ciphertext)
        out.append(contentsOf: box.tag)
        return out
    }

    static func open(_ file: [UInt8], kind: SpoolFileKind, id: QueueID, keyring: SpoolKeyring) throws -> [UInt8] {
        let name = "\(kind.rawValue)/\(id)"
        guard file.count >= headerSize + tagSize else {
            throw SpoolError.corrupt("\(name): truncated (\(file.count) bytes, header and tag need \(headerSize + tagSize))")
        }
        guard Array(file[0..<4]) == magic else { throw SpoolError.corrupt("\(name): not a Sealgate spool file (bad magic)") }
        guard file[4] == formatVersion else {
            throw SpoolError.corrupt("\(name): unsupported format version \(file[4])")
        }
        let keyID = file[5..<9].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard let key = keyring.key(keyID) else { throw SpoolError.unknownKey(keyID) }
        let header = Array(file[0..<headerSize])
        let aad = associatedData(header: header, kind: kind, id: id)
        do {
            let nonce = try AES.GCM.Nonce(data: file[9..<headerSize])
            let box = try AES.GCM.SealedBox(nonce: nonce, ciphertext: file[headerSize..<(file.count - tagSize)],
                                            tag: file[(file.count - tagSize)...])
            return Array(try AES.GCM.open(box, using: key, authenticating: aad))
        } catch {
            throw SpoolError.corrupt("\(name): authentication failed (wrong key, tampered, truncated or swapped file)")
        }
    }

    /// The key ID a sealed file names, without decrypting it (for `queue list` diagnostics).
    static func keyID(of file: [UInt8]) -> UInt32? {
        guard file.count >= headerSize, Array(file[0..<4]) == magic else { return nil }
        return file[5..<9].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    static func associatedData(header: [UInt8], kind: SpoolFileKind, id: QueueID) -> [UInt8] {
        header + Array("|\(kind.rawValue)|\(id.value)".utf8)
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)]
    }
}
