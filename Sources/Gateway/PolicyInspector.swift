// PolicyInspector: the end-of-DATA inspection the SMTP server runs once per message: MIME-decode
// and scan for PHI, build MessageFacts, evaluate the policy per recipient, apply header modifiers.

import Foundation
import MailCore
import MIME
import PHIScanner
import Policy
import SMTPServer

final class PolicyInspector: MessageInspector, @unchecked Sendable {
    private let scanner: PHIScanner
    private let evaluator: PolicyEvaluator

    init(scanner: PHIScanner, evaluator: PolicyEvaluator) {
        self.scanner = scanner
        self.evaluator = evaluator
    }

    func inspect(message: [UInt8], sender: MailAddress?, recipients: [RecipientSpec], client: ClientInfo) async -> Inspection {
        let scan = scanner.scan(message: message)
        let facts = MessageFacts(sender: sender, recipients: recipients.map(\.address), authenticatedUser: client.authenticatedUser,
                                 clientAddress: IPAddress(client.address), receivedOverTLS: client.tls != nil,
                                 headers: scan.headers, size: message.count, attachments: scan.attachments,
                                 findings: scan.findings, uninspected: scan.uninspected)
        let decisions = evaluator.evaluate(facts).map(\.decision)
        return Inspection(decisions: decisions, findings: scan.findings,
                          rewritten: HeaderModifiers.apply(decisions: decisions, to: message))
    }
}
