// PolicyRejections: recipients that policy rejected while others of the same message were
// accepted. They are bounced on the first run, through the same path as a 5xx (DSN, audit, log).

import Foundation
import MailCore

enum PolicyRejections {
    /// Splits due recipients into those policy rejected (with the rule's reply) and the rest.
    static func split(envelope: Envelope, due: [Int]) -> (rejected: [(Int, SMTPReply)], rest: [Int]) {
        var rejected: [(Int, SMTPReply)] = []
        var rest: [Int] = []
        for index in due {
            if let decisions = envelope.decisions, index < decisions.count, case .reject(let reply) = decisions[index].action {
                rejected.append((index, reply))
            } else {
                rest.append(index)
            }
        }
        return (rejected, rest)
    }

    /// A local report bouncing the rejected recipients; no connection is made for them.
    static func report(envelope: Envelope, rejected: [(Int, SMTPReply)], hostname: String) -> AttemptReport {
        var report = AttemptReport(relayHost: hostname, relayIP: nil, relayPort: 0, tls: nil, results: rejected.map { index, reply in
            let rule = envelope.decisions.map { $0[index].trace.rule } ?? "policy"
            let permanent = SMTPReply(reply.code >= 500 ? reply.code : 550, reply.status ?? EnhancedStatus(5, 7, 1), reply.lines)
            return RecipientResult(index: index, recipient: envelope.recipients[index], outcome: .bounced, reply: permanent,
                                   status: permanent.status ?? EnhancedStatus(5, 7, 1), reason: "rejected by policy rule \(rule)")
        })
        report.notes = ["rejected by policy before delivery"]
        return report
    }
}
