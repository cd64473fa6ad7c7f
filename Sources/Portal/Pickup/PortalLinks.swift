// PortalLinks: the URLs portal mail carries, from `portal.base_url`: the pickup link (message id and
// link token) for the recipient's notice and the revoke link for the sender's copy. Never logged.

import Foundation

public struct PortalLinks: Sendable {
    /// The base URL without a trailing `/`.
    public let baseURL: String
    let revokeTokens: PortalSenderRevokeToken

    public init(baseURL: String, pepper: PortalPepper) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        revokeTokens = PortalSenderRevokeToken(pepper: pepper)
    }

    /// `<base>/p/<id>/<token>`: the route that moves the secret into a session and redirects.
    public func pickupURL(id: PortalMessageID, token: PortalLinkToken) -> String {
        "\(baseURL)/p/\(id.text)/\(token.linkText)"
    }

    /// `<base>/revoke/<id>/<sender revoke token>`.
    public func senderRevokeURL(for id: PortalMessageID) -> String {
        "\(baseURL)/revoke/\(id.text)/\(revokeTokens.token(for: id))"
    }
}
