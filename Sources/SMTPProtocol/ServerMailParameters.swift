// Interprets the ESMTP parameters of MAIL (SIZE, BODY, SMTPUTF8, RET, ENVID, REQUIRETLS, AUTH)
// and RCPT (NOTIFY, ORCPT). Each returns the reply to refuse with, or nil when all are fine.

import MailCore

enum ServerMailParameters {
    /// RFC 3461 §4.4: ENVID is at most 100 characters.
    static let maxEnvelopeID = 100
    /// RFC 3461 §4.2: ORCPT is at most 500 characters.
    static let maxOriginalRecipient = 500

    static func apply(_ parameters: [ServerMailParameter], to draft: inout ServerTransactionDraft,
                      maxSize: Int, tlsActive: Bool) -> SMTPReply? {
        var seen = Set<String>()
        for p in parameters {
            guard seen.insert(p.keyword).inserted else { return ServerReply.duplicateParameter }
            let value = p.value
            switch p.keyword {
            case "SIZE":
                guard let v = value, v.count <= 18, v.allSatisfy(\.isASCIIDigit), let size = Int(v)
                else { return ServerReply.badParameter("SIZE") }
                if size > maxSize { return ServerReply.sizeTooBig }
                draft.declaredSize = size
            case "BODY":
                switch value?.uppercased() {
                case "7BIT": draft.bodyType = .sevenBit
                case "8BITMIME": draft.bodyType = .eightBitMIME
                default: return ServerReply.badParameter("BODY")
                }
            case "SMTPUTF8":
                guard value == nil else { return ServerReply.badParameter("SMTPUTF8") }
                draft.smtputf8 = true
            case "RET":
                guard let v = value?.uppercased(), let ret = DSNReturn(rawValue: v) else {
                    return ServerReply.badParameter("RET")
                }
                draft.dsnReturn = ret
            case "ENVID":
                guard let v = value, let id = XText.decodeStrict(v), !id.isEmpty, id.count <= maxEnvelopeID
                else { return ServerReply.badParameter("ENVID") }
                draft.envelopeID = id
            case "REQUIRETLS":
                guard value == nil else { return ServerReply.badParameter("REQUIRETLS") }
                guard tlsActive else { return ServerReply.requireTLSWithoutTLS }
                draft.requireTLS = true
            case "AUTH":
                // RFC 4954 §5: the original submitter; accepted, and not trusted for anything.
                guard let v = value, XText.decodeStrict(v) != nil else { return ServerReply.badParameter("AUTH") }
            default:
                return ServerReply.unknownParameter
            }
        }
        return nil
    }

    static func apply(_ parameters: [ServerMailParameter], to spec: inout RecipientSpec) -> SMTPReply? {
        var seen = Set<String>()
        for p in parameters {
            guard seen.insert(p.keyword).inserted else { return ServerReply.duplicateParameter }
            switch p.keyword {
            case "NOTIFY":
                guard let v = p.value, let notify = parseNotify(v) else { return ServerReply.badParameter("NOTIFY") }
                spec.notify = notify
            case "ORCPT":
                guard let v = p.value, let orcpt = parseOriginalRecipient(v) else {
                    return ServerReply.badParameter("ORCPT")
                }
                spec.originalRecipient = orcpt
            default:
                return ServerReply.unknownParameter
            }
        }
        return nil
    }

    /// NOTIFY=NEVER, or a comma list of SUCCESS, FAILURE, DELAY (RFC 3461 §4.1).
    static func parseNotify(_ value: String) -> Set<DSNNotify>? {
        var set = Set<DSNNotify>()
        for word in value.split(separator: ",", omittingEmptySubsequences: false) {
            guard let n = DSNNotify(rawValue: word.uppercased()), set.insert(n).inserted else { return nil }
        }
        if set.contains(.never) && set.count > 1 { return nil }
        return set.isEmpty ? nil : set
    }

    /// ORCPT=addr-type;xtext (RFC 3461 §4.2), kept as "addr-type;decoded-address".
    static func parseOriginalRecipient(_ value: String) -> String? {
        guard value.count <= maxOriginalRecipient, let semi = value.firstIndex(of: ";") else { return nil }
        let type = value[..<semi]
        guard !type.isEmpty, type.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || $0 == "-" }),
              let address = XText.decodeStrict(String(value[value.index(after: semi)...])), !address.isEmpty
        else { return nil }
        return "\(type.lowercased());\(address)"
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
