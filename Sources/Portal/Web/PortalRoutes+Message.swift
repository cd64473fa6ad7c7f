// PortalRoutes+Message: reading a message (the page, its HTML in a sandboxed frame, its parts as
// downloads) and the secure reply, whose body is refused (413) as soon as it passes the limit.

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension PortalRoutes {
    /// GET /message/{id}: headers, the text escaped, the HTML framed, attachments, the reply form.
    func message(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let (session, state) = try await requireSession(request)
        let id = try parameter(context, "id")
        let opened = try await pickup.openMessage(session, id: id, client: context.client)
        let view = PortalMessageView(parsing: opened.content)
        let messageID = opened.metadata.id.text
        var offerPassword = false
        if case .reading = state { offerPassword = !(await pickup.hasPassword(session)) }
        var inboxLink = false
        if case .inbox = state { inboxLink = true }
        let attachments: [[String: Any]] = view.attachments.map {
            ["href": "/message/\(messageID)/part/\($0.partNumber)", "filename": $0.filename, "type": $0.contentType,
             "size": PortalSizeText.describe($0.size)]
        }
        let query = request.uri.queryParameters
        let values: [String: Any] = [
            "id": messageID, "from": view.from, "to": view.to, "cc": view.cc.isEmpty ? false : view.cc as Any,
            "date": view.dateText, "subject": view.subject.isEmpty ? "(no subject)" : view.subject,
            "showText": view.text != nil || view.html == nil, "text": view.text ?? "(This message has no text.)",
            "hasHTML": view.html != nil, "hasAttachments": !attachments.isEmpty, "attachments": attachments,
            "sent": query.get("sent") == "1", "passwordSaved": query.get("password") == "1",
            "offerPassword": offerPassword, "inboxLink": inboxLink,
        ]
        return pages.page("message", title: view.subject.isEmpty ? "Your secure message" : view.subject, values: values,
                          csrf: await csrf(session), signedIn: true)
    }

    /// GET /message/{id}/html: the sender's HTML, inline images as data: URIs, under the sandbox policy.
    func messageHTML(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let (session, _) = try await requireSession(request)
        let opened = try await pickup.openMessage(session, id: try parameter(context, "id"), client: context.client)
        guard let html = PortalMessageView(parsing: opened.content).htmlWithInlineImages else { throw PortalPickupError.invalidLink }
        return PortalPages.html(html, headers: [PortalHeader.csp: PortalHeader.messageHTMLPolicy])
    }

    /// GET /message/{id}/part/{n}: one part's bytes as a download, never rendered by the browser.
    func part(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let (session, _) = try await requireSession(request)
        let opened = try await pickup.openMessage(session, id: try parameter(context, "id"), client: context.client)
        let number = try parameter(context, "part")
        guard let download = PortalMessageView.part(number, of: opened.content) else { throw PortalPickupError.invalidLink }
        let type = PortalMailPart.safeType(download.contentType)
        await pickup.recordDownload(session, id: opened.metadata.id, part: number, contentType: type, size: download.bytes.count,
                                    client: context.client)
        let headers: HTTPFields = [.contentType: type,
                                   PortalHeader.contentDisposition: "attachment; " + PortalHeaderText.filenameParameters(download.filename)]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: download.bytes)))
    }

    /// POST /message/{id}/reply (multipart/form-data): to the original sender only, then 303 back.
    func reply(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let (session, _) = try await requireSession(request)
        let id = try parameter(context, "id")
        let body = try await PortalRequestBody.read(request, limit: settings.replyMaxSize + settings.formOverhead)
        guard let form = PortalMultipartForm(contentType: request.headers[.contentType] ?? "", body: body) else {
            // Without a readable form there is no CSRF token either: refused as a forged form.
            throw PortalPickupError.csrf
        }
        guard await pickup.checkCSRF(session, form.fields["csrf"]) else { throw PortalPickupError.csrf }
        guard let messageID = PortalMessageID(id) else { throw PortalPickupError.invalidLink }
        let text = form.fields["body"] ?? ""
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || !form.files.isEmpty else {
            throw PortalPickupError.badForm("empty reply")
        }
        let size = text.utf8.count + form.files.reduce(0) { $0 + $1.bytes.count }
        guard size <= settings.replyMaxSize, form.files.count <= settings.replyMaxAttachments else { throw PortalPickupError.tooLarge }
        _ = try await pickup.sendReply(session, id: messageID, body: text, attachments: form.files, client: context.client)
        return PortalPages.redirect("/message/\(messageID.text)?sent=1")
    }
}
