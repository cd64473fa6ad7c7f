// One fuzz input for the S/MIME key path: untrusted bytes through KeyFormat and the certificate
// inspector (swift-certificates); shared by the libFuzzer target and the corpus replay test.

import Foundation

public enum SMIMEInputFuzzEntry {
    /// A fixed time, so a corpus certificate's verdict never changes with the clock.
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Traps if a certificate is accepted with no fingerprint, a usable one lacks what usability
    /// needs, or an error comes back that the inspector does not promise.
    public static func run(_ bytes: [UInt8]) -> SMIMECertificateInfo? {
        _ = KeyFormat.detect(bytes)
        do {
            let info = try SMIMECertificateInspector.inspect(bytes, now: now)
            precondition(!info.fingerprint.isEmpty && !info.der.isEmpty, "a certificate without fingerprint or DER")
            if info.isUsable {
                precondition(info.notBefore <= now && now <= info.notAfter, "usable outside its validity")
                precondition(info.keyUsageAllowsEncryption && info.extendedKeyUsageAllowsEmail, "usable without the usages")
            }
            return info
        } catch is RecipientKeyError {
            return nil
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
    }
}
