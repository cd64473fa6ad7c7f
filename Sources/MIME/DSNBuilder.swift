// DSNBuilder: renders a DeliveryStatusReport as an RFC 3464 multipart/report message (through
// LocalMail). The third part returns ONLY the original's Message-ID, Date, From and To: never Subject or body (PHI).

import Foundation
import MailCore

extension LocalMail {
    /// The RFC 3464 notice for `report`, addressed to `sender`, with its envelope (LocalEnvelope).
    public func bounce(report: DeliveryStatusReport, to sender: MailAddress, originalMessage: [UInt8],
                       now: Date, boundary: String? = nil) -> LocalMessage {
        let boundary = boundary ?? "\(report.queueID).\(UInt64.random(in: 0...UInt64.max))/\(report.reportingMTA)"
        let delayedOnly = report.recipients.allSatisfy { $0.action == .delayed }
        let succeededOnly = report.recipients.allSatisfy { $0.action == .delivered || $0.action == .relayed }
        let subject = delayedOnly ? "Delayed Mail (still being retried)"
            : succeededOnly ? "Successful Mail Delivery Report" : "Undelivered Mail Returned to Sender"
        var body = [
            "This is a MIME-encapsulated message.",
            "",
            "--\(boundary)",
            "Content-Description: Notification",
            "Content-Type: text/plain; charset=utf-8",
            "",
        ]
        body += DSNBuilder.humanText(report)
        body += ["", "--\(boundary)", "Content-Description: Delivery report", "Content-Type: message/delivery-status", ""]
        body += DSNBuilder.statusFields(report)
        body += ["--\(boundary)", "Content-Description: Undelivered Message Headers", "Content-Type: text/rfc822-headers", ""]
        body += DSNBuilder.returnedHeaders(originalMessage)
        body += ["", "--\(boundary)--", ""]
        // "auto-replied", as Postfix's bounces say (RFC 3834 §5: a response to the message reported on).
        return compose(kind: .bounce, to: sender, subject: subject, autoSubmitted: "auto-replied",
                       contentType: ["multipart/report; report-type=delivery-status;", "\tboundary=\"\(boundary)\""],
                       body: body, now: now)
    }
}

/// The three parts of a DSN (LocalMail.bounce puts them together).
public enum DSNBuilder {
    /// The original header fields a notice may quote. Anything else may carry PHI.
    public static let returnedFields = ["Message-ID", "Date", "From", "To"]

    static func humanText(_ report: DeliveryStatusReport) -> [String] {
        var out = ["This is the mail system at host \(report.reportingMTA).", ""]
        let failed = report.recipients.filter { $0.action == .failed }
        let delayed = report.recipients.filter { $0.action == .delayed }
        let done = report.recipients.filter { $0.action == .delivered || $0.action == .relayed }
        if !failed.isEmpty {
            out += ["I'm sorry to have to inform you that your message could not",
                    "be delivered to one or more recipients. The message itself is not",
                    "returned; only its identifying headers are attached.", ""]
        }
        if !delayed.isEmpty {
            out += ["Your message could not be delivered yet to the recipients below.",
                    "Delivery will be retried; you do not need to send it again.", ""]
        }
        if !done.isEmpty { out += ["Your message was successfully delivered to the recipients below.", ""] }
        for r in report.recipients {
            var line = "<\(addressText(r.finalRecipient))>: \(r.action.rawValue)"
            if let diag = r.diagnostic {
                line += r.remoteMTA.map { ", host \($0) said: " } ?? ": "
                line += oneLine(diag)
            }
            out.append(line)
        }
        return out
    }

    static func statusFields(_ report: DeliveryStatusReport) -> [String] {
        var out = ["Reporting-MTA: dns; \(report.reportingMTA)", "X-Sealgate-Queue-ID: \(report.queueID)"]
        if let envid = report.envelopeID { out.append("Original-Envelope-Id: \(oneLine(envid))") }
        out.append("Arrival-Date: \(RFC5322Date.format(report.arrivalDate))")
        out.append("")
        for r in report.recipients {
            if let orcpt = r.originalRecipient, let semi = orcpt.firstIndex(of: ";") {
                let type = orcpt[..<semi].trimmingCharacters(in: .whitespaces)
                let value = orcpt[orcpt.index(after: semi)...].trimmingCharacters(in: .whitespaces)
                out.append("Original-Recipient: \(type);\(oneLine(value))")
            }
            out.append("Final-Recipient: \(addressType(r.finalRecipient)); \(addressText(r.finalRecipient))")
            out.append("Action: \(r.action.rawValue)")
            out.append("Status: \(r.status)")
            if let mta = r.remoteMTA { out.append("Remote-MTA: dns; \(oneLine(mta))") }
            if let diag = r.diagnostic { out.append("Diagnostic-Code: smtp; \(oneLine(diag))") }
            if let last = r.lastAttempt { out.append("Last-Attempt-Date: \(RFC5322Date.format(last))") }
            if let until = r.willRetryUntil, r.action == .delayed { out.append("Will-Retry-Until: \(RFC5322Date.format(until))") }
            out.append("")
        }
        return out
    }

    /// The allowed header fields of the original, unfolded, in their original order.
    static func returnedHeaders(_ message: [UInt8]) -> [String] {
        let allowed = Set(returnedFields.map { $0.lowercased() })
        return MessageHeaders(parsing: message).fields
            .filter { allowed.contains($0.name.lowercased()) }
            .map { "\($0.name): \(oneLine($0.value))" }
    }

    /// "rfc822" when the address can be written in ASCII (IDN domains as A-labels), else RFC 6533 "utf-8".
    static func addressType(_ a: MailAddress) -> String {
        a.localPart.unicodeScalars.allSatisfy(\.isASCII) ? "rfc822" : "utf-8"
    }

    static func addressText(_ a: MailAddress) -> String {
        if case .name(let d) = a.domain, !a.localPart.unicodeScalars.contains(where: { !$0.isASCII }) {
            let text = a.description
            let suffix = "@" + d.unicode
            guard text.hasSuffix(suffix) else { return text }
            return String(text.dropLast(suffix.count)) + "@" + d.ascii
        }
        return a.description
    }

    /// Removes line breaks and control characters so a value cannot inject header lines; caps length.
    static func oneLine(_ s: String) -> String {
        let cleaned = String(s.unicodeScalars.map { ($0.value < 32 || $0.value == 127) ? " " : Character($0) })
        return cleaned.count > 900 ? String(cleaned.prefix(900)) : cleaned
    }
}
