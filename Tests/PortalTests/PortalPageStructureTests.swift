// PortalPageStructureTests: every built-in page, rendered in the layout, has the structure assistive
// technology needs: one main and one h1, unique ids, a label for every visible field, no script.

import Foundation
@testable import Portal
import XCTest

final class PortalPageStructureTests: XCTestCase {
    func testEveryPageHasOneMainOneHeadingLabelledFieldsAndUniqueIDs() throws {
        let templates = try PortalTemplates()
        let pages = PortalPages(templates: templates, organisation: "Riverside Clinic",
                                settings: PortalServerSettings(host: "h", port: 1, certificatePath: "", keyPath: ""))
        let values: [String: [String: Any]] = [
            "message": ["id": "m", "showText": true, "text": "t", "hasHTML": true, "hasAttachments": true,
                        "attachments": [["href": "/message/m/part/2", "filename": "a.pdf", "type": "application/pdf", "size": "1 KB"]],
                        "offerPassword": true, "sent": true, "cc": "c"],
            "reset": ["askAddress": true], "inbox": ["hasMessages": true, "messages": [["id": "m", "sender": "s"]]],
            "problem": ["status": 404, "is404": true], "code": ["error": "wrong"], "login": ["error": "wrong"],
        ]
        for name in PortalTemplates.pageNames where name != "layout" {
            let html = try pages.document(name, title: name, values: values[name] ?? [:], csrf: "token", signedIn: true,
                                          refresh: nil)
            XCTAssertEqual(count("<main", in: html), 1, name)
            XCTAssertEqual(count("<h1", in: html), 1, name)
            XCTAssertEqual(count("<html lang=\"en\">", in: html), 1, name)
            XCTAssertFalse(html.contains("<script"), name)
            XCTAssertFalse(html.contains(" style=\""), "\(name): inline styles are refused by the page CSP")
            let ids = matches("\\sid=\"([^\"]+)\"", in: html)
            XCTAssertEqual(ids.count, Set(ids).count, "\(name) has a repeated id: \(ids)")
            let labelled = Set(matches("<label for=\"([^\"]+)\"", in: html))
            for field in matches("<(?:input|textarea)\\s+id=\"([^\"]+)\"", in: html) {
                XCTAssertTrue(labelled.contains(field), "\(name): field #\(field) has no label")
            }
            XCTAssertEqual(count("method=\"post\"", in: html), count("name=\"csrf\" value=\"token\"", in: html),
                           "\(name): every form carries the CSRF token")
        }
    }

    private func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    private func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}
