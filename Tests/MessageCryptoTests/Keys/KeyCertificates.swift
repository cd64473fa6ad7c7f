// KeyCertificates: recipient certificates for the key-store tests, made by the real `openssl` CLI
// with a chosen key, address, key usage and lifetime, and openssl's own fingerprint and dates.

import Foundation
import XCTest

extension OpenSSLTool {
    /// A certificate issued by the test CA; nil `email`/`keyUsage`/`extendedKeyUsage` leave the extension out.
    func recipient(_ name: String, key: KeyKind = .p256, email: String?, keyUsage: String? = "keyEncipherment,keyAgreement",
                   extendedKeyUsage: String? = "emailProtection", days: Int = 30) throws -> Identity {
        let base = dir + "/" + name
        let newKey = key == .rsa2048 ? ["-newkey", "rsa:2048"] : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        try mustRun(["req", "-new"] + newKey + ["-nodes", "-keyout", base + ".key", "-out", base + ".csr", "-subj", "/CN=\(name)/O=Example"])
        var ext = "basicConstraints=CA:FALSE\n"
        if let keyUsage { ext += "keyUsage=critical,\(keyUsage)\n" }
        if let extendedKeyUsage { ext += "extendedKeyUsage=\(extendedKeyUsage)\n" }
        if let email { ext += "subjectAltName=email:\(email)\n" }
        try ext.write(toFile: base + ".ext", atomically: true, encoding: .utf8)
        try mustRun(["x509", "-req", "-in", base + ".csr", "-CA", caPath, "-CAkey", dir + "/ca.key", "-set_serial",
                     "\(UInt32.random(in: 1000 ... .max))", "-days", "\(days)", "-extfile", base + ".ext", "-out", base + ".pem"])
        return Identity(certPath: base + ".pem", keyPath: base + ".key")
    }

    /// openssl's SHA-256 fingerprint, lower-case hex without colons.
    func sha256Fingerprint(_ id: Identity) throws -> String {
        let out = try mustRun(["x509", "-in", id.certPath, "-noout", "-fingerprint", "-sha256"]).stdout.text
        let value = out.split(separator: "=").last.map(String.init) ?? ""
        return value.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: ":", with: "").lowercased()
    }

    /// openssl's notBefore or notAfter ("startdate"/"enddate"), as a Date.
    func date(_ id: Identity, _ which: String) throws -> Date {
        let out = try mustRun(["x509", "-in", id.certPath, "-noout", "-\(which)", "-dateopt", "iso_8601"]).stdout.text
        let value = out.split(separator: "=", maxSplits: 1).last.map(String.init)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss'Z'"
        return try XCTUnwrap(f.date(from: value), "openssl printed \(out)")
    }

    static func day(_ date: Date) -> String {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC") ?? utc.timeZone
        let c = utc.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}
