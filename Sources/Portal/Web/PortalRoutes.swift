// PortalRoutes: the portal's routes on a Hummingbird router and what they share: the session from
// the cookie, bounded form reading, the CSRF check every POST makes, errors turned into pages.

import Foundation
import HTTPTypes
import Hummingbird

struct PortalRoutes: Sendable {
    let pickup: any PortalPickupService
    let pages: PortalPages
    let templates: PortalTemplates
    let settings: PortalServerSettings

    func register(on router: Router<PortalRequestContext>) {
        router.get("/p/{id}/{token}") { request, context in await self.guarded { try await self.arrive(request, context) } }
        router.get("/pickup") { request, context in await self.guarded { try await self.pickupPage(request, context) } }
        router.post("/pickup/code") { request, context in await self.guarded { try await self.sendCode(request, context) } }
        router.post("/pickup/verify") { request, context in await self.guarded { try await self.verify(request, context) } }
        router.get("/message/{id}") { request, context in await self.guarded { try await self.message(request, context) } }
        router.get("/message/{id}/html") { request, context in await self.guarded { try await self.messageHTML(request, context) } }
        router.get("/message/{id}/part/{part}") { request, context in await self.guarded { try await self.part(request, context) } }
        router.post("/message/{id}/reply") { request, context in await self.guarded { try await self.reply(request, context) } }
        router.get("/password") { request, context in await self.guarded { try await self.passwordPage(request, context) } }
        router.post("/password") { request, context in await self.guarded { try await self.setPassword(request, context) } }
        router.get("/login") { request, context in await self.guarded { try await self.loginPage(request, context) } }
        router.post("/login") { request, context in await self.guarded { try await self.login(request, context) } }
        router.get("/inbox") { request, context in await self.guarded { try await self.inbox(request, context) } }
        router.get("/reset") { request, context in await self.guarded { try await self.resetPage(request, context) } }
        router.post("/reset") { request, context in await self.guarded { try await self.requestReset(request, context) } }
        router.post("/reset/verify") { request, context in await self.guarded { try await self.completeReset(request, context) } }
        router.get("/revoke/{id}/{token}") { request, context in await self.guarded { try await self.revokePage(request, context) } }
        router.post("/revoke/{id}/{token}") { request, context in await self.guarded { try await self.revoke(request, context) } }
        router.post("/logout") { request, context in await self.guarded { try await self.logout(request, context) } }
        router.get("/static/{file}") { request, context in await self.guarded { try self.asset(request, context) } }
    }

    /// Runs a route; any refusal becomes its problem page (never a trace, never the error's text).
    func guarded(_ route: () async throws -> Response) async -> Response {
        do {
            return try await route()
        } catch {
            return pages.problem(error)
        }
    }

    // MARK: shared steps

    /// The session the cookie names, when the pickup still knows it; else the uniform 404.
    func requireSession(_ request: Request) async throws -> (PortalSessionID, PortalSessionState) {
        guard let session = PortalSessionCookie.session(of: request), let state = await pickup.state(of: session) else {
            throw PortalPickupError.invalidLink
        }
        return (session, state)
    }

    /// The cookie's live session, or a new blank one for a page with a form that has none yet (sign-in,
    /// reset, the sender's revoke page): the CSRF token needs a session. A blank session holds no message.
    func ensureSession(_ request: Request, _ context: PortalRequestContext) async -> (PortalSessionID, HTTPFields) {
        if let session = PortalSessionCookie.session(of: request), await pickup.state(of: session) != nil { return (session, [:]) }
        let session = await pickup.arriveByLink(id: "", token: "", client: context.client)
        return (session, [PortalHeader.setCookie: PortalSessionCookie.set(session)])
    }

    /// A URL-encoded form whose `csrf` field matches the session's token; 403 otherwise.
    func checkedForm(_ request: Request, session: PortalSessionID?) async throws -> PortalURLEncodedForm {
        let form = PortalURLEncodedForm(try await PortalRequestBody.read(request, limit: settings.smallFormMaxSize))
        guard await pickup.checkCSRF(session, form["csrf"]) else { throw PortalPickupError.csrf }
        return form
    }

    func csrf(_ session: PortalSessionID) async -> String { await pickup.csrfToken(session) ?? "" }

    func parameter(_ context: PortalRequestContext, _ name: String) throws -> String {
        guard let value = context.parameters.get(name) else { throw PortalPickupError.invalidLink }
        return value
    }

    static func setCookie(_ session: PortalSessionID) -> HTTPFields { [PortalHeader.setCookie: PortalSessionCookie.set(session)] }
}
