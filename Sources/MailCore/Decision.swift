// Decision: what policy decided for one recipient (action, TLS floor, delivery methods in order,
// what to do when none is possible) and a short trace that names the rule, never the PHI.

public enum DeliveryMethod: String, Sendable, Codable, CaseIterable, Hashable {
    case smime, pgp, tls, portal
}

/// What happens when no allowed method can be used for a recipient.
public enum FallbackAction: String, Sendable, Codable, CaseIterable, Hashable {
    case `defer`, bounce, portal
}

public enum DecisionAction: Sendable, Codable, Hashable {
    case deliver
    case reject(SMTPReply)
    case quarantine
    case hold
}

public struct Decision: Sendable, Codable, Hashable {
    public var action: DecisionAction
    /// The TLS level policy requires (nil: the destination's configured level alone decides).
    public var tlsLevel: TLSLevel?
    public var minimumTLSVersion: TLSProtocolVersion?
    /// Allowed methods in preference order; the ladder uses the first the recipient can take.
    public var methods: [DeliveryMethod]
    public var fallback: FallbackAction
    public var addHeaders: [HeaderField]
    public var stripSubjectTags: [String]
    public var notifySender: Bool
    /// Encrypted (S/MIME, PGP) copies carry the real Subject inside and `outerSubject` outside.
    public var protectSubject: Bool
    /// The neutral outer Subject used when `protectSubject` is on.
    public var outerSubject: String
    /// `deliver.portal`: how the portal rung keeps this recipient's copy (nil: the portal's defaults).
    public var portal: PortalOptions?
    public var trace: DecisionTrace

    public static let defaultOuterSubject = "[encrypted message]"

    public init(action: DecisionAction = .deliver, tlsLevel: TLSLevel? = nil, minimumTLSVersion: TLSProtocolVersion? = nil,
                methods: [DeliveryMethod] = [.smime, .pgp, .tls, .portal], fallback: FallbackAction = .defer,
                addHeaders: [HeaderField] = [], stripSubjectTags: [String] = [], notifySender: Bool = false,
                protectSubject: Bool = false, outerSubject: String = Decision.defaultOuterSubject, portal: PortalOptions? = nil,
                trace: DecisionTrace) {
        self.action = action; self.tlsLevel = tlsLevel; self.minimumTLSVersion = minimumTLSVersion
        self.methods = methods; self.fallback = fallback; self.addHeaders = addHeaders
        self.stripSubjectTags = stripSubjectTags; self.notifySender = notifySender; self.trace = trace
        self.protectSubject = protectSubject; self.outerSubject = outerSubject; self.portal = portal
    }

    enum CodingKeys: String, CodingKey {
        case action, tlsLevel, minimumTLSVersion, methods, fallback, addHeaders, stripSubjectTags, notifySender
        case protectSubject, outerSubject, portal, trace
    }

    /// Envelopes spooled before `protectSubject` or `portal` existed decode with them off.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        action = try c.decode(DecisionAction.self, forKey: .action)
        tlsLevel = try c.decodeIfPresent(TLSLevel.self, forKey: .tlsLevel)
        minimumTLSVersion = try c.decodeIfPresent(TLSProtocolVersion.self, forKey: .minimumTLSVersion)
        methods = try c.decode([DeliveryMethod].self, forKey: .methods)
        fallback = try c.decode(FallbackAction.self, forKey: .fallback)
        addHeaders = try c.decode([HeaderField].self, forKey: .addHeaders)
        stripSubjectTags = try c.decode([String].self, forKey: .stripSubjectTags)
        notifySender = try c.decode(Bool.self, forKey: .notifySender)
        protectSubject = try c.decodeIfPresent(Bool.self, forKey: .protectSubject) ?? false
        outerSubject = try c.decodeIfPresent(String.self, forKey: .outerSubject) ?? Decision.defaultOuterSubject
        portal = try c.decodeIfPresent(PortalOptions.self, forKey: .portal)
        trace = try c.decode(DecisionTrace.self, forKey: .trace)
    }
}

/// The short form of the decision trace kept in the queue envelope and the audit record:
/// the matching rule and a findings summary (types and counts, never samples or values).
public struct DecisionTrace: Sendable, Codable, Hashable {
    /// "file.yaml:12 rule-name", or "default" when no rule matched.
    public var rule: String
    /// e.g. ["ssn": 2, "mrn": 1].
    public var findingCounts: [String: Int]
    public var uninspectedParts: Int
    public var score: Double

    public init(rule: String, findingCounts: [String: Int], uninspectedParts: Int, score: Double) {
        self.rule = rule; self.findingCounts = findingCounts; self.uninspectedParts = uninspectedParts; self.score = score
    }
}
