// PortalPickup: the pickup's logic behind the web routes (PortalPickupService): sessions, emailed codes,
// limits and lockouts, passwords, reading, replies, the sender's revoke link. Blocking work on the executor.

import Audit
import Foundation
import Logging
import MailCore

public final class PortalPickup: PortalPickupService {
    let store: any PortalStore
    let executor: any PortalBlockingExecutor
    /// Runs the calls that hash a password (sign-in, set, reset): the portal's own bounded pool.
    let passwordExecutor: any PortalBlockingExecutor
    let mailer: any PortalMailer
    let composer: any PortalMailComposing
    let audit: any AuditRecorder
    let clock: any WallClock
    let randomness: any PortalRandomness
    let settings: PortalPickupSettings
    let sessions: PortalSessionTable
    let logger: Logger
    /// The pickup and revoke URLs (from `baseURL` and the pepper; PortalIntake makes the same ones).
    public let links: PortalLinks
    /// Failures, lockouts and send windows (shared with PortalAdmin, which lists and lifts lockouts).
    public let limiter: PortalAttemptLimiter

    /// A password longer than this is refused before it reaches scrypt (bounds the work one form can ask).
    static let maximumPasswordLength = 1024

    public init(store: any PortalStore, executor: any PortalBlockingExecutor, mailer: any PortalMailer,
                composer: any PortalMailComposing, audit: any AuditRecorder, pepper: PortalPepper, settings: PortalPickupSettings,
                clock: any WallClock, randomness: any PortalRandomness, limiter: PortalAttemptLimiter? = nil,
                passwordExecutor: (any PortalBlockingExecutor)? = nil, logger: Logger = Logger(label: "sealgate.portal")) {
        self.store = store; self.executor = executor; self.passwordExecutor = passwordExecutor ?? executor; self.mailer = mailer; self.composer = composer; self.audit = audit
        links = PortalLinks(baseURL: settings.baseURL, pepper: pepper); self.settings = settings; self.clock = clock; self.randomness = randomness; self.logger = logger
        self.limiter = limiter ?? PortalAttemptLimiter(failuresBeforeLockout: settings.failuresBeforeLockout,
                                                       lockoutDuration: settings.lockoutDuration)
        sessions = PortalSessionTable(lifetime: settings.sessionLifetime, capacity: settings.maxSessions, randomness: randomness)
    }

    public var organisation: String { settings.organisation }

    public func pickupURL(id: PortalMessageID, token: PortalLinkToken) -> String { links.pickupURL(id: id, token: token) }
    public func senderRevokeURL(for id: PortalMessageID) -> String { links.senderRevokeURL(for: id) }

    /// Parses only: no store call, no mail, no audit record (scanners fetch every link in a message).
    public func arriveByLink(id: String, token: String, client: String) async -> PortalSessionID {
        sessions.create(.linked(PortalMessageID(id), PortalLinkToken(token)), now: clock.now())
    }

    public func state(of session: PortalSessionID?) async -> PortalSessionState? {
        sessions.use(session, now: clock.now())?.state
    }

    public func hasPassword(_ session: PortalSessionID) async -> Bool {
        guard let current = sessions.use(session, now: clock.now()) else { return false }
        let recipient: MailAddress
        switch current.stage {
        case .inbox, .reading(_, .some): return true
        case .reading(let access, nil), .codeSent(let access, _, _): recipient = access.recipient
        case .linked, .resetCodeSent: return false
        }
        let store = self.store
        return (try? await executor.run { try store.hasPassword(recipient) }) ?? false
    }

    public func csrfToken(_ session: PortalSessionID) async -> String? {
        sessions.use(session, now: clock.now())?.csrf
    }

    public func checkCSRF(_ session: PortalSessionID?, _ token: String?) async -> Bool {
        guard let token, let current = sessions.use(session, now: clock.now()) else { return false }
        return PortalSecretCompare.equal(token, current.csrf)
    }

    public func logout(_ session: PortalSessionID) async {
        sessions.remove(session)
    }

    /// How many sessions are held now (for tests and a gauge).
    public var sessionCount: Int { sessions.count }
}
