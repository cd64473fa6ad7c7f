// CAFile: reads a PEM bundle of trust anchors and refuses one that cannot be used: unreadable,
// empty, or holding no certificate, with an error naming the file (check-config and daemon start).

import Foundation
import NIOSSL
import X509

public enum CAFile {
    /// Why a CA file cannot be used. The description names the file and says what is wrong.
    public struct LoadError: Error, Equatable, CustomStringConvertible {
        public enum Problem: Equatable, Sendable {
            /// Missing, a directory, or not readable; the system's reason.
            case unreadable(String)
            /// No bytes, or only white space.
            case empty
            /// Bytes, but not one PEM certificate that parses.
            case noCertificate
        }
        public let path: String
        public let problem: Problem

        public var description: String {
            switch problem {
            case .unreadable(let why): return "cannot read CA file \(path): \(why)"
            case .empty: return "CA file \(path) is empty"
            case .noCertificate: return "CA file \(path) holds no PEM certificate"
            }
        }
    }

    /// Every certificate in the file, in order; at least one, or a `LoadError`.
    public static func load(_ path: String) throws -> [Certificate] {
        let pem = try loadPEM(path)
        let certificates = pem.compactMap { cert -> Certificate? in
            guard let der = try? cert.toDERBytes() else { return nil }
            return try? Certificate(derEncoded: der)
        }
        guard !certificates.isEmpty else { throw LoadError(path: path, problem: .noCertificate) }
        return certificates
    }

    /// The same file as NIOSSL certificates (for a TLS configuration's trust roots): at least one,
    /// or the same `LoadError`.
    public static func loadPEM(_ path: String) throws -> [NIOSSLCertificate] {
        let bytes = try read(path)
        guard bytes.contains(where: { !isSpace($0) }) else { throw LoadError(path: path, problem: .empty) }
        guard let pem = try? NIOSSLCertificate.fromPEMBytes(bytes), !pem.isEmpty else {
            throw LoadError(path: path, problem: .noCertificate)
        }
        return pem
    }

    private static func read(_ path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LoadError(path: path, problem: .unreadable("no such file"))
        }
        guard !isDirectory.boolValue else { throw LoadError(path: path, problem: .unreadable("is a directory")) }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LoadError(path: path, problem: .unreadable("permission denied or not a regular file"))
        }
        defer { try? handle.close() }
        do {
            return Array(try handle.readToEnd() ?? Data())
        } catch {
            throw LoadError(path: path, problem: .unreadable("\(error.localizedDescription)"))
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
