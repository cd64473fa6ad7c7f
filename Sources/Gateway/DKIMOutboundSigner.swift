// DKIMOutboundSigner: the Delivery send path's OutboundSigner: picks the configured signers by the
// message's From domain (exact match, A-label) and signs with each (RSA and Ed25519 both on top).
import DKIM
import Delivery
import Foundation
import Logging
import MailCore

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
        guard !signers.isEmpty, let domain = SenderDomain.fromHeader(message), let chosen = signers[domain] else { return message }
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
}
