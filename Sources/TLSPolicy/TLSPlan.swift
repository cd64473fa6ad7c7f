// TLSPlan: what the SMTP client must get from one MX: the requirement facts, the TLSA records
// or MTA-STS policy to authenticate it with, the names a PKIX certificate must carry, a trace.

import DNS
import MailCore

public struct TLSPlan: Sendable {
    public var requirement: TLSRequirement
    /// The usable TLSA records (DANE-TA/DANE-EE); empty when DANE is not in force.
    public var daneRecords: [TLSARecord]
    /// The MTA-STS policy that applied (enforce or testing); nil when none did or DANE won.
    public var mtaSTS: MTASTSPolicy?
    /// Names a PKIX-verified certificate may carry (any one of them will do).
    public var pkixNames: [String]
    /// A human trace: "MX secure, 2 usable TLSA (DANE-EE)", "MTA-STS enforce".
    public var notes: [String]

    public init(requirement: TLSRequirement, daneRecords: [TLSARecord] = [], mtaSTS: MTASTSPolicy? = nil,
                pkixNames: [String] = [], notes: [String] = []) {
        self.requirement = requirement; self.daneRecords = daneRecords; self.mtaSTS = mtaSTS
        self.pkixNames = pkixNames; self.notes = notes
    }

    /// Whether DANE authenticates this MX (then MTA-STS does not apply, RFC 8461 §2).
    public var daneInForce: Bool { !daneRecords.isEmpty }
}
