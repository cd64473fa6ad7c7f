// Finding: one piece of PHI a detector found, as the scanner reports it and as policies, queue
// envelopes and audit records keep it: the type, a masked sample, where, and how sure.

public enum PHIType: String, Sendable, Codable, CaseIterable, Hashable {
    case ssn, npi, dea, mbi, icd10, mrn, dob
    case creditCard = "credit_card"
    case phone
    case healthTerm = "health_term"
}

public struct Finding: Sendable, Codable, Hashable {
    public var type: PHIType
    /// Masked: never the identifier itself (`***-**-6789`).
    public var sample: String
    /// IMAP part number (RFC 3501), or "header" for the decoded headers.
    public var part: String
    /// 0...1.
    public var confidence: Double

    public init(type: PHIType, sample: String, part: String, confidence: Double) {
        self.type = type; self.sample = sample; self.part = part; self.confidence = confidence
    }
}

/// A MIME part the scanner could not look inside (a PDF, a zip, a fax TIFF).
public struct UninspectedPart: Sendable, Codable, Hashable {
    public var part: String
    public var contentType: String
    public var reason: String

    public init(part: String, contentType: String, reason: String) {
        self.part = part; self.contentType = contentType; self.reason = reason
    }
}
