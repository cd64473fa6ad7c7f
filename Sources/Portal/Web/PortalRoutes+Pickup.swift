// PortalRoutes+Pickup: arriving by the link (a GET that only starts a session and redirects away
// from the secret), the "send me a code" page, sending the code, and checking it.

import Foundation
import Hummingbird

extension PortalRoutes {
    /// GET /p/{id}/{token}: parses only (mail scanners fetch every link), then 303 to /pickup, which
    /// carries no secret: the token lives on in the server-side session the cookie names.
    ///
    /// A click in a webmail is a cross-site navigation, and browsers do not send a SameSite=Strict
    /// cookie on any request of a redirect chain that began on another site: /pickup would arrive
    /// without the session. So a request that says it is cross-site (`Sec-Fetch-Site`) gets a page
    /// that refreshes to /pickup instead, a navigation of our own site, which carries the cookie.
    func arrive(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let id = try parameter(context, "id"), token = try parameter(context, "token")
        if let old = PortalSessionCookie.session(of: request) { await pickup.logout(old) }
        let session = await pickup.arriveByLink(id: id, token: token, client: context.client)
        if request.headers[PortalHeader.fetchSite] == "cross-site" {
            return pages.page("continue", title: "Opening your secure message", headers: Self.setCookie(session), refresh: "/pickup")
        }
        return PortalPages.redirect("/pickup", headers: Self.setCookie(session))
    }

    /// GET /pickup: the page the session is at (a reload after the code was sent shows the code form).
    func pickupPage(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let (session, state) = try await requireSession(request)
        switch state {
        case .linked:
            return pages.page("pickup", title: "You have a secure message", csrf: await csrf(session))
        case .codeSent(_, let masked, let expires):
            return codePage(masked: masked, expires: expires, csrf: await csrf(session))
        case .reading(let id):
            return PortalPages.redirect("/message/\(id.text)")
        case .inbox:
            return PortalPages.redirect("/inbox")
        case .resetCodeSent:
            throw PortalPickupError.invalidLink
        }
    }

    /// POST /pickup/code (also the resend button): checks the link and mails a code.
    func sendCode(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let (session, _) = try await requireSession(request)
        _ = try await checkedForm(request, session: session)
        let receipt = try await pickup.requestCode(session, client: context.client)
        return codePage(masked: receipt.maskedAddress, expires: receipt.expires, csrf: await csrf(session))
    }

    /// POST /pickup/verify: a right code lets the session read the message.
    func verify(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let (session, _) = try await requireSession(request)
        let form = try await checkedForm(request, session: session)
        do {
            let id = try await pickup.verifyCode(session, code: form["code"] ?? "", client: context.client)
            return PortalPages.redirect("/message/\(id.text)")
        } catch let error as PortalPickupError {
            // A wrong or used-up code: the same form again, saying so, while the session still has a code out.
            guard case .codeSent(_, let masked, let expires)? = await pickup.state(of: session) else { throw error }
            switch error {
            case .wrongCode(let remaining):
                return codePage(masked: masked, expires: expires, csrf: await csrf(session),
                                error: "That code is not right. You can try \(remaining) more time\(remaining == 1 ? "" : "s").",
                                status: .badRequest)
            case .codeExpired:
                return codePage(masked: masked, expires: expires, csrf: await csrf(session),
                                error: "That code has expired or was already used. Send yourself a new one below.",
                                status: .badRequest)
            default:
                throw error
            }
        }
    }

    func codePage(masked: String, expires: Date, csrf: String, error: String? = nil,
                  status: HTTPResponse.Status = .ok) -> Response {
        var values: [String: Any] = ["maskedAddress": masked, "expires": PortalDateText.long(expires)]
        if let error { values["error"] = error }
        return pages.page("code", title: "Enter your code", values: values, csrf: csrf, status: status)
    }
}
