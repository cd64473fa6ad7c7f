// PortalRoutes+Revoke: the sender's revoke link (a GET that only asks, a POST that revokes, so a
// scanner following the link destroys nothing) and the static files of the templates directory.

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension PortalRoutes {
    /// GET /revoke/{id}/{token}: the confirmation page.
    func revokePage(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let id = try parameter(context, "id"), token = try parameter(context, "token")
        let (session, headers) = await ensureSession(request, context)
        return pages.page("revoke", title: "Withdraw your secure message", values: ["action": "/revoke/\(id)/\(token)"],
                          csrf: await csrf(session), headers: headers)
    }

    /// POST /revoke/{id}/{token}: destroys the message (the token is the sender's, not the pickup link's).
    func revoke(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let id = try parameter(context, "id"), token = try parameter(context, "token")
        _ = try await checkedForm(request, session: PortalSessionCookie.session(of: request))
        try await pickup.revokeBySender(id: id, token: token, client: context.client)
        return pages.page("revoked", title: "The message has been withdrawn")
    }

    /// GET /static/portal.css and /static/logo.svg, from the templates (an admin may replace either).
    func asset(_ request: Request, _ context: PortalRequestContext) throws -> Response {
        let name = try parameter(context, "file")
        guard let type = Self.assetTypes[name], let bytes = templates.asset(name) else { throw PortalPickupError.invalidLink }
        return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static let assetTypes = ["portal.css": "text/css; charset=utf-8", "logo.svg": "image/svg+xml"]
}
