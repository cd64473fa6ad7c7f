// PortalMailComposer: writes the portal's mail (notice, sender copy, code, read receipt, reply) from
// the templates. Notices carry no message content; only the recipient's own reply carries text.

import Foundation
import MailCore

public struct PortalMailComposer: PortalMailComposing {
    let templates: PortalTemplates
    /// `portal.organisation`: named in code mail (the other mail takes it from its facts).
    let organisation: String
    /// `portal.notice_from`: From of the portal's mail (display name: the organisation; on replies, the recipient).
    let noticeFrom: MailAddress
    let clock: any WallClock
    let randomness: any PortalRandomness

    public init(templates: PortalTemplates, organisation: String, noticeFrom: MailAddress, clock: any WallClock,
                randomness: any PortalRandomness) {
        self.templates = templates; self.organisation = organisation; self.noticeFrom = noticeFrom; self.clock = clock
        self.randomness = randomness
    }

    public func notice(_ facts: PortalNoticeFacts) throws -> [UInt8] {
        var values = noticeValues(facts)
        values["link"] = facts.link
        // Postfix and most clients show the Subject in logs and lists: the message's own only when policy allows.
        let subject = facts.subject.map { "Secure message from \(facts.organisation): \($0)" }
            ?? "Secure message from \(facts.organisation)"
        return try alternative(to: facts.recipient, subject: subject, organisation: facts.organisation,
                               template: "notice", values: values)
    }

    public func senderCopy(_ facts: PortalNoticeFacts, revokeURL: String) throws -> [UInt8] {
        guard let sender = facts.sender else { throw PortalMailComposerError.noSender }
        var values = noticeValues(facts)
        values["revokeURL"] = revokeURL
        return try alternative(to: sender, subject: "Copy: your secure message to \(PortalHeaderText.addressText(facts.recipient))",
                               organisation: facts.organisation, template: "sender-copy", values: values)
    }

    public func code(to recipient: MailAddress, code: String, expires: Date, purpose: PortalCodePurpose) throws -> [UInt8] {
        let values: [String: Any] = ["organisation": organisation, "code": code, "expires": PortalDateText.long(expires),
                                     "pickup": purpose == .pickup, "reset": purpose == .reset]
        // The code is never in the Subject (subjects land in logs and notifications).
        let subject = purpose == .pickup ? "Your code for your secure message" : "Your code to reset your password"
        return try alternative(to: recipient, subject: subject, organisation: organisation, template: "code", values: values)
    }

    public func readReceipt(_ facts: PortalReceiptFacts) throws -> [UInt8] {
        let values: [String: Any] = ["organisation": facts.organisation, "recipient": PortalHeaderText.addressText(facts.recipient),
                                     "openedAt": PortalDateText.long(facts.openedAt), "portalMessageID": facts.portalMessageID.text]
        let text = try templates.render("read-receipt.txt", values)
        let fields = header(from: PortalHeaderText.mailbox(noticeFrom, name: facts.organisation), to: facts.sender,
                            subject: "Your secure message was opened", automatic: true)
        return PortalMailPart.text(text, subtype: "plain").message(fields: fields)
    }

    public func reply(_ facts: PortalReplyFacts) throws -> [UInt8] {
        // From is the portal's own address, named for the recipient ("pat@example.org via Example Clinic"),
        // and Reply-To the recipient: the organisation's DKIM key signs it and DMARC passes, which a From
        // in the recipient's domain (a domain this gateway does not sign for) could not (as mailing lists
        // rewrite From, RFC 7960 §4.1.3).
        let name = "\(PortalHeaderText.addressText(facts.from)) via \(organisation)"
        var fields = header(from: PortalHeaderText.mailbox(facts.envelopeSender, name: name), to: facts.to,
                            subject: Self.replySubject(facts.subject), automatic: false)
        fields.insert("Reply-To: \(PortalHeaderText.mailbox(facts.from))", at: 1)
        if let original = facts.inReplyTo.map(PortalHeaderText.oneLine), !original.isEmpty {
            let id = original.hasPrefix("<") ? original : "<\(original)>"
            fields += ["In-Reply-To: \(id)", "References: \(id)"]
        }
        let text = PortalMailPart.text(facts.body, subtype: "plain")
        guard !facts.attachments.isEmpty else { return text.message(fields: fields) }
        let files = facts.attachments.map { PortalMailPart.attachment($0.bytes, contentType: $0.contentType, filename: $0.filename) }
        return PortalMailPart.multipart("mixed", boundary: boundary(), parts: [text] + files).message(fields: fields)
    }

    /// The most a reply of `bytes` (text and files) with up to `attachments` files can take as a message:
    /// base64 (4/3, lines of 76 plus CRLF; text takes quoted-printable only when that is shorter), a part
    /// header per file, and the message's own header.
    public static func encodedReplySize(upTo bytes: Int, attachments: Int) -> Int {
        let base64 = (bytes + 2) / 3 * 4
        return base64 + (base64 / 76 + 1) * 2 + (attachments + 1) * 1024 + 8192
    }

    /// The largest reply (body and files, in bytes) whose encoded message fits `messageLimit`; 0 if none does.
    public static func largestReply(fitting messageLimit: Int, attachments: Int) -> Int {
        var low = 0, high = max(0, messageLimit)
        while low < high {
            let mid = (low + high + 1) / 2
            if encodedReplySize(upTo: mid, attachments: attachments) <= messageLimit { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// "Re: " once, however many the subject already has.
    static func replySubject(_ subject: String) -> String {
        var rest = Substring(PortalHeaderText.oneLine(subject))
        while rest.lowercased().hasPrefix("re:") { rest = rest.dropFirst(3).drop(while: { $0 == " " }) }
        return "Re: " + rest
    }

    // MARK: shared pieces

    private func noticeValues(_ facts: PortalNoticeFacts) -> [String: Any] {
        var values: [String: Any] = ["organisation": facts.organisation, "recipient": PortalHeaderText.addressText(facts.recipient),
                                     "expires": PortalDateText.long(facts.expires), "portalMessageID": facts.portalMessageID.text]
        if let sender = facts.sender { values["sender"] = PortalHeaderText.addressText(sender) }
        if let subject = facts.subject { values["subject"] = PortalHeaderText.oneLine(subject) }
        return values
    }

    private func alternative(to recipient: MailAddress, subject: String, organisation: String, template: String,
                             values: [String: Any]) throws -> [UInt8] {
        let plain = try templates.render("\(template).txt", values)
        let html = try templates.render("\(template).html", values)
        let fields = header(from: PortalHeaderText.mailbox(noticeFrom, name: organisation), to: recipient, subject: subject,
                            automatic: true)
        let body = PortalMailPart.multipart("alternative", boundary: boundary(),
                                            parts: [.text(plain, subtype: "plain"), .text(html, subtype: "html")])
        return body.message(fields: fields)
    }

    private func header(from: String, to: MailAddress, subject: String, automatic: Bool) -> [String] {
        var fields = ["From: \(from)", "To: \(PortalHeaderText.mailbox(to))",
                      "Subject: \(PortalHeaderText.unstructured(subject))", "Date: \(RFC5322DateText.now(clock))",
                      "Message-ID: <\(PortalBase32.encode(randomness.bytes(16)))@\(domainText)>"]
        // RFC 3834: machine-written mail, so vacation responders stay quiet.
        if automatic { fields.append("Auto-Submitted: auto-generated") }
        return fields
    }

    private var domainText: String {
        if case .name(let domain) = noticeFrom.domain { return domain.ascii }
        return "portal.invalid"
    }

    private func boundary() -> String { "=_sealgate_" + PortalBase32.encode(randomness.bytes(15)) }
}

public enum PortalMailComposerError: Error, Equatable {
    /// A sender copy asked for a message with the null reverse-path.
    case noSender
}
