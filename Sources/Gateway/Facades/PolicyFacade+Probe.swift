// `sealgate policy explain --probe`: explain with each ladder's `tls` rung measured live (MX, DANE and
// MTA-STS planning, STARTTLS, the certificate checks; never MAIL) and the method the ladder would choose.

import Delivery
import Foundation
import MailCore
import MessageCrypto
import Policy

extension PolicyFacade {
    /// As `explain` with the key store at `keysDirectory`, and for each recipient delivered to whose
    /// ladder reaches `tls`, the recipient's domain probed with its policy floor (once per domain and
    /// floor) through the probe `sealgate probe` uses, built from `config` (DNS resolver, TLS levels,
    /// CA file, MTA-STS, ratchet); `port` overrides `delivery.port`. The `ladder:` line then shows the
    /// `tls` rung as measured and a `choice:` line follows (`tls_measured` and `choice` in JSON).
    /// Throws `ProbeRunnerError` when there is no DNS resolver, `CAFile.LoadError` for a bad CA file.
    public func explain(message: [UInt8], envelope: ExplainEnvelope, authenticatedUser: String?, clientIP: String?,
                        overTLS: Bool, scanner: ScanFacade, json: Bool, keysDirectory: String, now: Date,
                        probing config: GatewayConfig, port: Int?) async throws -> String {
        let portalConfigured = config.portal != nil
        let verdicts = evaluate(message: message, envelope: envelope, authenticatedUser: authenticatedUser, clientIP: clientIP,
                                overTLS: overTLS, scanner: scanner)
        let store = RecipientKeyStore(directory: keysDirectory)
        var plans: [MailAddress: LadderPlan] = [:]
        for verdict in verdicts { plans[verdict.recipient] = Self.plan(verdict, store: store, now: now, portalConfigured: portalConfigured) }
        let measuring = verdicts.filter { plans[$0.recipient]?.needsTLSMeasurement == true }
        var rungs: [MailAddress: MeasuredTLSRung] = [:]
        if !measuring.isEmpty {
            let measured = try await ProbeReportRunner.withProbe(config: config, port: port) { probe in
                await TLSRungProbe(probe: probe).measure(measuring.map { ($0.recipient, $0.decision) }, message: message)
            }
            for (verdict, rung) in zip(measuring, measured) { rungs[verdict.recipient] = rung }
        }
        let probed = { (verdict: RecipientVerdict) in
            plans[verdict.recipient].map { ProbedLadder(plan: $0, rung: rungs[verdict.recipient]) }
        }
        if json {
            return PolicyTraceRenderer.json(verdicts, ladder: { probed($0)?.ladderLines }, extra: { probed($0)?.json }) + "\n"
        }
        return PolicyTraceRenderer.text(verdicts) { probed($0)?.textLines ?? [] }
    }
}
