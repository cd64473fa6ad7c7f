// PortalMultipartForm: a multipart/form-data body (RFC 7578), taken apart by the MIME target's parser
// behind a synthetic Content-Type header: text fields by name, and the uploaded files.

import Foundation
import MIME

struct PortalMultipartForm {
    private(set) var fields: [String: String] = [:]
    private(set) var files: [PortalUpload] = []

    /// Parses `body` sent with `contentType` (`multipart/form-data; boundary=…`); nil when it is not one.
    init?(contentType: String, body: [UInt8]) {
        let type = ContentType.parse(contentType)
        guard type.mimeType == "multipart/form-data", let boundary = type.boundary, !boundary.isEmpty else { return nil }
        let header = Array("Content-Type: multipart/form-data; boundary=\"\(Self.quoted(boundary))\"\r\n\r\n".utf8)
        let root = MIMEParser.parse(header + body, maxDepth: 2, maxParts: 64)
        guard root.contentType.isMultipart, !root.children.isEmpty else { return nil }
        for part in root.children {
            guard let disposition = part.disposition, disposition.type == "form-data",
                  let name = disposition.parameters["name"] else { continue }
            let bytes = PortalPartWalk.decoded(part)
            if disposition.parameters["filename"] != nil {
                // A file input left empty still sends a part, with an empty name and no content.
                guard let filename = part.filename.flatMap(PortalFilename.clean), !bytes.isEmpty || !filename.isEmpty else { continue }
                let declared = part.headers["content-type"] != nil ? part.contentType.mimeType : "application/octet-stream"
                files.append(PortalUpload(filename: filename, contentType: declared, bytes: bytes))
            } else if fields[name] == nil {
                fields[name] = String(decoding: bytes, as: UTF8.self)
            }
        }
    }

    private static func quoted(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
