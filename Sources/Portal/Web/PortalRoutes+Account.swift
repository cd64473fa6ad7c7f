// PortalRoutes+Account: the returning recipient's pages: setting a password after a pickup, signing
// in to the inbox, resetting a forgotten password by an emailed code, and signing out.

import Foundation
import HTTPTypes
import Hummingbird

extension PortalRoutes {
    /// The store's floor (docs/portal.md); the pickup enforces it, the form says it.
    static let minimumPasswordLength = 8

    /// GET /password: only for a session reading a message by its link.
    func passwordPage(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let (session, state) = try await requireSession(request)
        guard case .reading(let id) = state else { throw PortalPickupError.invalidLink }
        return passwordForm(session: session, messageID: id, csrf: await csrf(session))
    }

    /// POST /password: sets it, then back to the message saying so.
    func setPassword(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let (session, state) = try await requireSession(request)
        let form = try await checkedForm(request, session: session)
        guard case .reading(let id) = state else { throw PortalPickupError.invalidLink }
        do {
            try await pickup.setPassword(session, password: form["password"] ?? "", confirm: form["confirm"] ?? "",
                                         client: context.client)
        } catch PortalPickupError.passwordTooShort {
            return passwordForm(session: session, messageID: id, csrf: await csrf(session),
                                error: "Please choose at least \(Self.minimumPasswordLength) characters.")
        } catch PortalPickupError.passwordMismatch {
            return passwordForm(session: session, messageID: id, csrf: await csrf(session),
                                error: "The two passwords were not the same. Please type them again.")
        }
        return PortalPages.redirect("/message/\(id.text)?password=1")
    }

    /// GET /login.
    func loginPage(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let (session, headers) = await ensureSession(request, context)
        let values: [String: Any] = ["resetDone": request.uri.queryParameters.get("reset") == "1", "address": ""]
        return pages.page("login", title: "Sign in", values: values, csrf: await csrf(session), headers: headers)
    }

    /// POST /login: a new session for the inbox (the old one ends: no session fixation).
    func login(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let old = PortalSessionCookie.session(of: request)
        let form = try await checkedForm(request, session: old)
        let address = form["address"] ?? ""
        do {
            let session = try await pickup.login(address: address, password: form["password"] ?? "", client: context.client)
            if let old { await pickup.logout(old) }
            return PortalPages.redirect("/inbox", headers: Self.setCookie(session))
        } catch PortalPickupError.wrongPassword {
            guard let old else { throw PortalPickupError.wrongPassword }
            let values: [String: Any] = ["error": "That address and password do not match.", "address": address]
            return pages.page("login", title: "Sign in", values: values, csrf: await csrf(old), status: .badRequest)
        }
    }

    /// GET /inbox: every message wrapped to the signed-in recipient's key.
    func inbox(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let (session, state) = try await requireSession(request)
        guard case .inbox(let recipient) = state else { throw PortalPickupError.invalidLink }
        let messages: [[String: Any]] = try await pickup.inbox(session).map {
            ["id": $0.id.text, "sender": $0.sender.map(PortalHeaderText.addressText) ?? "(no sender address)",
             "created": PortalDateText.long($0.createdAt), "expires": PortalDateText.long($0.expiresAt)]
        }
        let values: [String: Any] = ["recipient": PortalHeaderText.addressText(recipient), "messages": messages,
                                     "hasMessages": !messages.isEmpty]
        return pages.page("inbox", title: "Your secure messages", values: values, csrf: await csrf(session), signedIn: true)
    }

    /// GET /reset: asks for the address.
    func resetPage(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let (session, headers) = await ensureSession(request, context)
        return pages.page("reset", title: "Reset your password", values: ["askAddress": true], csrf: await csrf(session),
                          headers: headers)
    }

    /// POST /reset: answers alike for known and unknown addresses (the pickup decides whether to mail).
    func requestReset(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let old = PortalSessionCookie.session(of: request)
        let form = try await checkedForm(request, session: old)
        let session = try await pickup.requestReset(address: form["address"] ?? "", client: context.client)
        if let old { await pickup.logout(old) }
        return await resetCodeForm(session: session, csrf: await csrf(session), headers: Self.setCookie(session))
    }

    /// POST /reset/verify: the code and the new password, then to the sign-in page.
    func completeReset(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let (session, _) = try await requireSession(request)
        let form = try await checkedForm(request, session: session)
        do {
            try await pickup.completeReset(session, code: form["code"] ?? "", password: form["password"] ?? "",
                                           confirm: form["confirm"] ?? "", client: context.client)
        } catch let error as PortalPickupError {
            let message: String
            switch error {
            case .wrongCode: message = "That code is not right. Please check the email and try again."
            case .codeExpired: message = "That code has expired or was already used. Please ask for a new one."
            case .passwordTooShort: message = "Please choose at least \(Self.minimumPasswordLength) characters."
            case .passwordMismatch: message = "The two passwords were not the same. Please type them again."
            default: throw error
            }
            guard await pickup.state(of: session) != nil else { throw error }
            return await resetCodeForm(session: session, csrf: await csrf(session), error: message, status: .badRequest)
        }
        await pickup.logout(session)
        return PortalPages.redirect("/login?reset=1", headers: [PortalHeader.setCookie: PortalSessionCookie.clear])
    }

    /// POST /logout.
    func logout(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let (session, _) = try await requireSession(request)
        _ = try await checkedForm(request, session: session)
        await pickup.logout(session)
        return PortalPages.redirect("/login", headers: [PortalHeader.setCookie: PortalSessionCookie.clear])
    }

    private func passwordForm(session: PortalSessionID, messageID: PortalMessageID, csrf: String, error: String? = nil) -> Response {
        var values: [String: Any] = ["minimumLength": Self.minimumPasswordLength, "messageID": messageID.text]
        if let error { values["error"] = error }
        return pages.page("password", title: "Set a password", values: values, csrf: csrf, status: error == nil ? .ok : .badRequest)
    }

    private func resetCodeForm(session: PortalSessionID, csrf: String, error: String? = nil, status: HTTPResponse.Status = .ok,
                               headers: HTTPFields = [:]) async -> Response {
        var masked = ""
        if case .resetCodeSent(let m)? = await pickup.state(of: session) { masked = m }
        var values: [String: Any] = ["askCode": true, "maskedAddress": masked, "minimumLength": Self.minimumPasswordLength]
        if let error { values["error"] = error }
        return pages.page("reset", title: "Reset your password", values: values, csrf: csrf, status: status, headers: headers)
    }
}
