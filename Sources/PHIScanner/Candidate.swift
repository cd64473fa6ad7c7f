// Candidate: what a detector hands back to the text scan: the finding-to-be with its byte span and
// the normalised value (kept in memory only, for de-duplication; it never leaves the scanner).

import MailCore

struct Candidate {
    var type: PHIType
    /// Normalised value (digits only for numbers). Internal: de-duplication key, never output.
    var value: String
    /// Masked form, see `Masking`.
    var sample: String
    var confidence: Double
    var start: Int
    var end: Int
}

/// A detector's answer at one token: how far it read (`next` is the first token it did not consume)
/// and, if the shape was valid, the candidate.
struct Detection {
    var next: Int
    var candidate: Candidate?
}
