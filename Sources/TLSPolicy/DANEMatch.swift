// DANEMatch: the verdict of matching a server's certificate chain against its TLSA records,
// and the association-data helpers (selector x matching type) of RFC 6698 §2.1.

import Crypto
import DNS
import MailCore

public enum DANEMatch: Sendable, Equatable {
    /// Authenticated; the trust source is .daneEE or .daneTA.
    case matched(TrustSource)
    /// Usable records exist, and none authenticates this chain; the reason is for logs and audit.
    case noMatch(String)
    /// No DANE-TA(2)/DANE-EE(3) record with a known selector and matching type.
    case noUsableRecords
}

enum TLSAAssociation {
    /// Usable for SMTP (RFC 7672 §3.1): DANE-TA(2) or DANE-EE(3), selector 0/1, matching type 0/1/2.
    static func isUsable(_ record: TLSARecord) -> Bool {
        (record.usage == 2 || record.usage == 3) && record.selector <= 1 && record.matchingType <= 2
    }

    /// Whether `record` matches the certificate: its full DER (selector 0) or its SPKI (selector 1),
    /// compared as-is (0), or as a SHA-256 (1) or SHA-512 (2) digest.
    static func matches(_ record: TLSARecord, certificateDER: [UInt8]) -> Bool {
        let selected: [UInt8]?
        switch record.selector {
        case 0: selected = certificateDER
        case 1: selected = CertificateDER.subjectPublicKeyInfo(of: certificateDER)
        default: selected = nil
        }
        guard let selected, let value = digest(selected, matchingType: record.matchingType) else { return false }
        return value == record.data
    }

    static func digest(_ bytes: [UInt8], matchingType: UInt8) -> [UInt8]? {
        switch matchingType {
        case 0: return bytes
        case 1: return Array(SHA256.hash(data: bytes))
        case 2: return Array(SHA512.hash(data: bytes))
        default: return nil
        }
    }
}
