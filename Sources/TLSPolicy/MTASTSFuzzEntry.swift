// One fuzz input for MTA-STS: the bytes as a policy file and as a `_mta-sts` TXT record; shared by
// the libFuzzer target (Tests/Fuzz) and the corpus replay test.

public enum MTASTSFuzzEntry {
    public struct Outcome: Sendable {
        public var policy: MTASTSPolicy?
        public var error: MTASTSParseError?
        public var recordID: String?
    }

    /// Traps if a parsed policy breaks the parser's own promises (max_age 0 to the limit, RFC 8461 §3.2, mx needed
    /// outside mode none, id 1-32 letters and digits) or it cannot match the names it lists.
    public static func run(_ bytes: [UInt8]) -> Outcome {
        let text = String(decoding: bytes, as: UTF8.self)
        var outcome = Outcome(recordID: MTASTSParser.parseRecord(text))
        if let id = outcome.recordID {
            precondition((1...32).contains(id.count) && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) },
                         "bad record id \(id)")
        }
        do {
            let policy = try MTASTSParser.parsePolicy(text)
            precondition((0...MTASTSParser.maxAgeLimit).contains(policy.maxAge), "max_age \(policy.maxAge)")
            precondition(policy.mode == .none || !policy.mx.isEmpty, "no mx in mode \(policy.mode)")
            for pattern in policy.mx where !pattern.hasPrefix("*.") {
                precondition(policy.allows(mxHost: pattern), "policy refuses its own mx \(pattern)")
            }
            outcome.policy = policy
        } catch let error as MTASTSParseError {
            precondition(!error.message.isEmpty, "an error without a message")
            outcome.error = error
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
        return outcome
    }
}
