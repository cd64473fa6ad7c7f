// The loaded policy: ordered rules with their action and modifiers, the files they came from,
// and the named lists. Built only by PolicyLoader, after every diagnostic has been checked.
import MailCore

public struct PolicySet: Sendable {
    /// All rules of all files, in file-name order and then file order: first match wins.
    public var rules: [PolicyRule]
    /// The files loaded, in the order they were read.
    public var files: [String]

    public init(rules: [PolicyRule], files: [String]) { self.rules = rules; self.files = files }

    /// No rules: every recipient gets the built-in default.
    public static let empty = PolicySet(rules: [], files: [])
}

public struct PolicyRule: Sendable {
    public var name: String
    /// Where the rule starts; `location.file` is the file name without its directory.
    public var location: PolicySourceLocation
    /// The file as diagnostics name it (with its directory).
    var sourceFile: String
    /// All must hold; empty means the rule always matches (it had no `when`, or an empty one).
    var conditions: [PolicyCondition]
    var action: PolicyAction
    var modifiers: PolicyModifiers

    /// "10-phi.yaml:12 phi-needs-verified-tls", the form queue envelopes and audit records keep.
    public var traceName: String { "\(location) \(name)" }
    public var alwaysMatches: Bool { conditions.isEmpty }
}

/// The main action of a rule: exactly one per rule.
enum PolicyAction: Sendable, Equatable {
    case deliver(DeliverAction)
    case reject(SMTPReply)
    case quarantine
    case hold
}

struct DeliverAction: Sendable, Equatable {
    static let defaultMethods: [DeliveryMethod] = [.smime, .pgp, .tls, .portal]

    var tls: TLSLevel?
    var minimumTLS: TLSProtocolVersion?
    var methods: [DeliveryMethod] = DeliverAction.defaultMethods
    var otherwise: FallbackAction = .defer
    var protectSubject = false
    var subjectText = Decision.defaultOuterSubject
    /// `portal: {expiry, notice_subject, sender_copy, read_receipt}`; nil: the portal's defaults.
    var portal: PortalOptions?
}

/// What a rule adds to its action: `add_header`, `strip_subject_tag`, `notify_sender`.
struct PolicyModifiers: Sendable, Equatable {
    var addHeaders: [HeaderField] = []
    var stripSubjectTags: [String] = []
    var notifySender = false
}
