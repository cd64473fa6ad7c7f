// DKIMOutboundSigner: the Delivery send path's OutboundSigner: picks the configured signers by the
// message's From domain (exact match, A-label) and signs with each (RSA and Ed25519 both on top).
import DKIM
import Delivery
import Foundation
import Logging
import MailCore
import MIME

public struct DKIMOutboundSigner: OutboundSigner {
    /// Signers per From domain (A-label, lower case), in configuration order.
    let signers: [String: [DKIMSigner]]
    let logger: Logger

    public init(signers: [String: [DKIMSigner]], logger: Logger) {
        self.signers = signers
        self.logger = logger
    }

    /// Loads every configured key now (check-config has already checked each loads).
    public init(domains: [DKIMDomainConfig], logger: Logger) throws {
        var signers: [String: [DKIMSigner]] = [:]
        for entry in domains {
            guard let domain = DomainName(entry.domain) else { continue }
            signers[domain.ascii.lowercased()] = try entry.selectors.map {
                try DKIMSigner(domain: domain, selector: $0.selector, key: try DKIMKey.load(pemFile: $0.keyPath))
            }
        }
        self.init(signers: signers, logger: logger)
    }

    /// DKIM is not a security floor for PHI: a signing error is logged and the message goes unsigned
    /// (OpenDKIM's milter default is the same accept-on-error).
    public func sign(_ message: [UInt8], now: Date) -> [UInt8] {
        guard !signers.isEmpty, let domain = Self.fromDomain(message), let chosen = signers[domain] else { return message }
        var signed = message
        for signer in chosen {
            do {
                signed = try signer.sign(message: signed, now: now)
            } catch {
                logger.warning("DKIM signing for \(domain) with selector \(signer.selector) failed: \(error); sent without it")
            }
        }
        return signed
    }

    /// The domain of the From header's (first) address, as a lower-case A-label; nil when absent or unparsable.
    static func fromDomain(_ message: [UInt8]) -> String? {
        guard var value = MessageHeaders(parsing: message)["From"] else { return nil }
        if let open = value.lastIndex(of: "<"), let close = value[open...].firstIndex(of: ">") {
            value = String(value[value.index(after: open)..<close])
        } else if let comma = value.firstIndex(of: ",") {
            value = String(value[..<comma])
        }
        guard let at = value.lastIndex(of: "@") else { return nil }
        let text = value[value.index(after: at)...].trimmingCharacters(in: .whitespaces)
        guard let end = text.firstIndex(where: { $0 == " " || $0 == "(" || $0 == ">" }) ?? Optional(text.endIndex),
              let domain = DomainName(String(text[..<end])) else { return nil }
        return domain.ascii.lowercased()
    }
}
