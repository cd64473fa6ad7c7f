// ScanResult: what scanning one message yields: the findings (masked), the parts that could not be
// inspected, the attachments and the decoded headers, ready to go into MessageFacts.

import MailCore

public struct ScanResult: Sendable {
    public var findings: [Finding]
    public var uninspected: [UninspectedPart]
    public var attachments: [AttachmentInfo]
    public var headers: [HeaderField]

    public init(findings: [Finding], uninspected: [UninspectedPart], attachments: [AttachmentInfo],
                headers: [HeaderField]) {
        self.findings = findings; self.uninspected = uninspected
        self.attachments = attachments; self.headers = headers
    }
}
