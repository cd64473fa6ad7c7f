// DeliveryLogLine: the one log line per recipient outcome, in Postfix's style:
// `ID: to=<rcpt>, relay=host[ip]:port, delay=1.2, tls=TLSv1.3/CIPHER, method=tls, dsn=2.0.0, status=sent (reply)`.

import Foundation
import MailCore

public enum DeliveryLogLine {
    public static func render(queueID: QueueID, result: RecipientResult, report: AttemptReport, delay: TimeInterval) -> String {
        let relay = report.relayIP.map { "\(report.relayHost)[\($0)]:\(report.relayPort)" } ?? "none"
        let tls = report.tls.map { "\($0.version)/\($0.cipher)" } ?? "none"
        let word: String
        switch result.outcome {
        case .delivered: word = "sent"
        case .bounced: word = "bounced"
        default: word = "deferred"
        }
        let delayText = String(format: "%.1f", max(0, delay))
        // The method ladder's choice, when the message has a policy decision (no skip reasons: the audit has them).
        let method = result.choice.map { "method=\($0.method?.rawValue ?? "none"), " } ?? ""
        return "\(queueID): to=<\(result.recipient.address)>, relay=\(relay), delay=\(delayText), tls=\(tls), "
            + "\(method)dsn=\(result.status), status=\(word) (\(result.text))"
    }
}
