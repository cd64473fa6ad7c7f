// RungSkip: why one rung of the method ladder was not used for a recipient, as a typed reason
// with a stable code (for audit queries) and the one line an admin reads ("smime: no certificate on file").

import Foundation

public enum RungSkip: Sendable, Hashable, Codable, CustomStringConvertible {
    /// No key for this method is on file for the recipient.
    case noKey(DeliveryMethod)
    case keyExpired(DeliveryMethod, keyID: String, on: Date)
    case keyUnusable(DeliveryMethod, reason: String)
    /// The key was there but encrypting the message failed.
    case encryptFailed(DeliveryMethod, reason: String)
    /// The encrypted copy was made, but its hop fell short of the destination's configured TLS
    /// level (`reason` is the TLS shortfall's own line): the copy was not sent.
    case copyHopUnmet(DeliveryMethod, reason: String)
    /// TLS was required and the host's EHLO did not offer STARTTLS.
    case noSTARTTLS(host: String)
    case handshakeFailed(host: String, reason: String)
    /// The peer's certificate did not verify (the reason as the verifier gave it).
    case certificateNotVerified(reason: String)
    case versionBelowMinimum(seen: TLSProtocolVersion, minimum: TLSProtocolVersion)
    /// The negotiated version could not be read: fails closed.
    case versionUnknown(seen: String, minimum: TLSProtocolVersion)
    /// DANE or MTA-STS: no TLSA match, a policy that does not list the MX, or the wrong trust source.
    case trustMismatch(host: String, reason: String)
    /// Any other way the hop fell short of the TLS requirement.
    case requirementUnmet(host: String, reason: String)
    case portalNotConfigured
    /// The recipient could take this method (a key is on file) but policy's `methods` leaves it out.
    case notAllowed(DeliveryMethod)

    /// The rung this reason is about.
    public var method: DeliveryMethod {
        switch self {
        case .noKey(let m), .keyExpired(let m, _, _), .keyUnusable(let m, _), .encryptFailed(let m, _), .notAllowed(let m),
             .copyHopUnmet(let m, _):
            return m
        case .noSTARTTLS, .handshakeFailed, .certificateNotVerified, .versionBelowMinimum, .versionUnknown,
             .trustMismatch, .requirementUnmet:
            return .tls
        case .portalNotConfigured:
            return .portal
        }
    }

    /// Stable machine code: never renamed (audit queries and tests rely on it).
    public var code: String {
        switch self {
        case .noKey: return "no-key"
        case .keyExpired: return "key-expired"
        case .keyUnusable: return "key-unusable"
        case .encryptFailed: return "encrypt-failed"
        case .copyHopUnmet: return "copy-hop-unmet"
        case .noSTARTTLS: return "no-starttls"
        case .handshakeFailed: return "tls-handshake-failed"
        case .certificateNotVerified: return "certificate-not-verified"
        case .versionBelowMinimum: return "tls-version-below-minimum"
        case .versionUnknown: return "tls-version-unknown"
        case .trustMismatch: return "tls-trust-mismatch"
        case .requirementUnmet: return "tls-requirement-unmet"
        case .portalNotConfigured: return "portal-not-configured"
        case .notAllowed: return "not-allowed"
        }
    }

    public var description: String {
        let m = method.rawValue
        switch self {
        case .noKey(let method):
            return "\(m): no \(Self.keyWord(method)) on file"
        case .keyExpired(let method, let keyID, let on):
            return "\(m): \(Self.keyWord(method)) \(keyID) expired \(Self.day(on))"
        case .keyUnusable(let method, let reason):
            return "\(m): \(Self.keyWord(method)) unusable (\(reason))"
        case .copyHopUnmet(_, let reason):
            return "\(m): encrypted copy not sent, its hop is below the destination's level (\(reason))"
        case .encryptFailed(_, let reason):
            return "\(m): encryption failed (\(reason))"
        case .noSTARTTLS(let host):
            return "tls: \(host) offered no STARTTLS"
        case .handshakeFailed(let host, let reason):
            return "tls: handshake with \(host) failed (\(reason))"
        case .certificateNotVerified(let reason):
            return "tls: certificate not verified (\(reason))"
        case .versionBelowMinimum(let seen, let minimum):
            return "tls: TLS \(seen.number) below the minimum \(minimum.number)"
        case .versionUnknown(let seen, let minimum):
            return "tls: TLS version \(seen) unknown, the minimum is \(minimum.number)"
        case .trustMismatch(let host, let reason):
            return "tls: \(host) failed DANE/MTA-STS (\(reason))"
        case .requirementUnmet(let host, let reason):
            return "tls: \(host) does not meet the requirement (\(reason))"
        case .portalNotConfigured:
            return "portal: not configured"
        case .notAllowed(let method):
            return "\(m): not allowed by policy (\(Self.keyWord(method)) on file)"
        }
    }

    /// S/MIME keys are certificates; PGP ones are keys.
    public static func keyWord(_ method: DeliveryMethod) -> String { method == .smime ? "certificate" : "key" }

    /// "2026-10-01", in UTC.
    static func day(_ date: Date) -> String {
        let days = Int64((date.timeIntervalSince1970 / 86_400).rounded(.down))
        let c = CivilCalendar.civil(fromDays: days)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(c.year)-\(two(c.month))-\(two(c.day))"
    }
}

extension TLSProtocolVersion {
    /// "1.0", "1.1", "1.2", "1.3": the version as admins say it.
    public var number: String {
        switch self {
        case .tls1_0: return "1.0"
        case .tls1_1: return "1.1"
        case .tls1_2: return "1.2"
        case .tls1_3: return "1.3"
        }
    }
}
