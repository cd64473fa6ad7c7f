// PortalSecurityHeaders: the headers every portal response carries (CSP, HSTS, no referrer, nosniff,
// no-store, no framing, COOP), set by one middleware so no route can forget them.

import HTTPTypes
import Hummingbird

enum PortalHeader {
    static let csp = HTTPField.Name("Content-Security-Policy")!
    static let hsts = HTTPField.Name("Strict-Transport-Security")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let openerPolicy = HTTPField.Name("Cross-Origin-Opener-Policy")!
    static let contentDisposition = HTTPField.Name("Content-Disposition")!
    static let setCookie = HTTPField.Name("Set-Cookie")!
    static let cookie = HTTPField.Name("Cookie")!
    static let fetchSite = HTTPField.Name("Sec-Fetch-Site")!

    /// The pages' policy: nothing but our own stylesheet, images and frames; no script at all.
    static let pagePolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-src 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'"
    /// The sender's HTML, framed by the message page: sandboxed (no script, no forms, unique origin), nothing
    /// loads but inline images rewritten to data: URIs.
    static let messageHTMLPolicy = "sandbox; default-src 'none'; img-src data: cid:; frame-ancestors 'self'"
}

struct PortalSecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        Self.apply(to: &response)
        return response
    }

    /// A route that sets its own Content-Security-Policy (the framed HTML part) keeps it and its framing
    /// rule; every other response gets the page policy and X-Frame-Options: DENY.
    static func apply(to response: inout Response) {
        if response.headers[PortalHeader.csp] == nil {
            response.headers[PortalHeader.csp] = PortalHeader.pagePolicy
            response.headers[PortalHeader.frameOptions] = "DENY"
        }
        response.headers[PortalHeader.hsts] = "max-age=31536000"
        response.headers[PortalHeader.referrerPolicy] = "no-referrer"
        response.headers[PortalHeader.contentTypeOptions] = "nosniff"
        response.headers[.cacheControl] = "no-store"
        response.headers[PortalHeader.openerPolicy] = "same-origin"
    }
}
