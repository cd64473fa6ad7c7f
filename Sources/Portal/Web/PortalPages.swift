// PortalPages: turns a page template and its values into an HTML response inside the layout, the
// problem page for each refusal (its status from PortalPickupError), and the portal's redirects.

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

struct PortalPages: Sendable {
    let templates: PortalTemplates
    let organisation: String
    let settings: PortalServerSettings

    /// `name` rendered with `values` (plus the organisation and the limits), wrapped in the layout.
    func page(_ name: String, title: String, values: [String: Any] = [:], csrf: String? = nil, signedIn: Bool = false,
              status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], refresh: String? = nil) -> Response {
        do {
            return Self.html(try document(name, title: title, values: values, csrf: csrf, signedIn: signedIn, refresh: refresh),
                             status: status, headers: headers)
        } catch {
            // A broken admin template: a plain page that still names the organisation, never the error.
            return Self.html("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(Self.escape(organisation))</title>"
                             + "</head><body><main id=\"problem\" data-status=\"500\"><h1>Something went wrong on our side</h1>"
                             + "<p>Please try again later.</p></main></body></html>", status: .internalServerError)
        }
    }

    /// The page's HTML document.
    func document(_ name: String, title: String, values: [String: Any], csrf: String?, signedIn: Bool,
                  refresh: String?) throws -> String {
        var values = values
        values["organisation"] = organisation
        values["csrf"] = csrf ?? ""
        values["maxAttachments"] = settings.replyMaxAttachments
        values["maxSize"] = PortalSizeText.describe(settings.replyMaxSize)
        let main = try templates.render(name, values)
        return try templates.render("layout", ["title": title, "organisation": organisation, "main": main, "csrf": csrf ?? "",
                                               "signedIn": signedIn && csrf != nil, "refresh": refresh ?? false])
    }

    /// The calm page for a refused step, with the status the error carries.
    func problem(_ error: any Error, headers: HTTPFields = [:]) -> Response {
        let pickupError = error as? PortalPickupError ?? .damagedOrUnknown
        let status = pickupError.httpStatus
        var values: [String: Any] = ["status": status, "is\(status)": true]
        switch pickupError {
        case .wrongCode(let remaining):
            values["detail"] = "That code is not right. You can try \(remaining) more time\(remaining == 1 ? "" : "s")."
        case .codeExpired: values["detail"] = "That code has expired or was already used. Please ask for a new one."
        case .passwordTooShort: values["detail"] = "That password is too short."
        case .passwordMismatch: values["detail"] = "The two passwords were not the same."
        case .wrongPassword: values["detail"] = "That address and password do not match."
        case .badForm: values["detail"] = "The form was incomplete."
        case .lockedOut(let until): values["until"] = PortalDateText.long(until)
        default: break
        }
        let titles = [400: "That did not work", 403: "This page has expired", 404: "This link is not valid",
                      410: "This message is no longer available", 413: "Your reply is too large",
                      429: "Please wait a while", 500: "Something went wrong"]
        return page("problem", title: titles[status] ?? "Something went wrong", values: values,
                    status: HTTPResponse.Status(code: status), headers: headers)
    }

    /// 303 See Other to a path of this site (after every POST, and after the link GET).
    static func redirect(_ location: String, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

extension PortalPickupError {
    /// What an error that is not the pickup's own becomes: a 500, never its text.
    static let damagedOrUnknown = PortalPickupError.damaged
}

/// Sizes for people: "10 MB", "1.5 MB", "512 KB", "300 bytes", in units of 1000 as the config's
/// size syntax means "10MB" (ByteSizeSyntax), so `reply.max_size: 10MB` reads "10 MB" on the form.
enum PortalSizeText {
    static func describe(_ bytes: Int) -> String {
        if bytes >= 1_000_000 {
            let tenths = (bytes + 50_000) / 100_000
            return tenths % 10 == 0 ? "\(tenths / 10) MB" : "\(tenths / 10).\(tenths % 10) MB"
        }
        if bytes >= 1000 { return "\((bytes + 500) / 1000) KB" }
        return "\(bytes) byte\(bytes == 1 ? "" : "s")"
    }
}
