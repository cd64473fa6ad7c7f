// MethodServices: what the method ladder's rungs need besides SMTP: encryption for the key rungs
// (`smime`, `pgp`) and the portal for `portal`. Either may be absent; its rungs are then skipped.

public struct MethodServices: Sendable {
    /// nil: no key store; every recipient's key rungs read "no key on file".
    public var encryption: (any RecipientEncryption)?
    /// nil: the `portal` rung reads "portal: not configured" (and `otherwise: portal` defers).
    public var portal: (any PortalSink)?

    public init(encryption: (any RecipientEncryption)?, portal: (any PortalSink)?) {
        self.encryption = encryption; self.portal = portal
    }

    /// Neither: TLS delivery only (tests, and mail without a policy decision).
    public static let none = MethodServices(encryption: nil, portal: nil)
}
