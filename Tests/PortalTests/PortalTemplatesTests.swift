// PortalTemplatesTests: the built-in templates load and render; one file in the admin directory
// overrides that one built-in only; a broken override names its file, line and column; escaping.

import Foundation
@testable import Portal
import XCTest

final class PortalTemplatesTests: XCTestCase {
    var overrides = ""

    override func setUpWithError() throws {
        overrides = NSTemporaryDirectory() + "portal-templates-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: overrides, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: overrides) }

    func testEveryBuiltInTemplateAndAssetIsThere() throws {
        let templates = try PortalTemplates()
        for name in PortalTemplates.pageNames + PortalTemplates.mailNames {
            XCTAssertFalse(try templates.render(name, ["organisation": "X"]).isEmpty, name)
        }
        XCTAssertTrue(String(decoding: try XCTUnwrap(templates.asset("portal.css")), as: UTF8.self).contains(":focus-visible"))
        XCTAssertTrue(String(decoding: try XCTUnwrap(templates.asset("logo.svg")), as: UTF8.self).hasPrefix("<svg"))
        XCTAssertNil(templates.asset("layout.mustache"), "only the named static files are served")
    }

    func testOneOverrideFileReplacesOnlyItsBuiltIn() throws {
        try "<main id=\"pickup\">Custom {{organisation}}</main>".write(toFile: overrides + "/pickup.mustache", atomically: true, encoding: .utf8)
        try "body { color: black; }".write(toFile: overrides + "/portal.css", atomically: true, encoding: .utf8)
        let templates = try PortalTemplates(overrides: overrides)
        XCTAssertEqual(try templates.render("pickup", ["organisation": "Riverside"]), "<main id=\"pickup\">Custom Riverside</main>")
        XCTAssertEqual(templates.asset("portal.css"), Array("body { color: black; }".utf8))
        XCTAssertTrue(try templates.render("code", ["maskedAddress": "p***"]).contains("id=\"verify\""), "others stay built in")
        XCTAssertTrue(String(decoding: try XCTUnwrap(templates.asset("logo.svg")), as: UTF8.self).hasPrefix("<svg"))
    }

    func testABrokenOverrideNamesItsFileLineAndColumn() throws {
        try "<main>\n{{#open}}never closed\n</main>".write(toFile: overrides + "/login.mustache", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PortalTemplates(overrides: overrides)) { error in
            guard case .syntax(let path, let line, _, _)? = error as? PortalTemplatesError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, overrides + "/login.mustache")
            XCTAssertGreaterThanOrEqual(line, 1)
            XCTAssertTrue("\(error)".hasPrefix(overrides + "/login.mustache:"), "\(error)")
        }
    }

    func testAMissingBuiltInIsAClearError() {
        XCTAssertThrowsError(try PortalTemplates(builtIn: overrides, overrides: nil)) { error in
            XCTAssertEqual(error as? PortalTemplatesError, .missing(path: overrides + "/layout.mustache"))
        }
    }

    func testPagesEscapeValuesAndTextMailDoesNot() throws {
        let templates = try PortalTemplates()
        let page = try templates.render("message", ["text": "<script>alert('x')</script> & more", "showText": true, "id": "i"])
        XCTAssertTrue(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"), page)
        XCTAssertFalse(page.contains("<script>"))
        let text = try templates.render("read-receipt.txt", ["organisation": "Smith & Jones <Clinic>", "recipient": "a@b"])
        XCTAssertTrue(text.contains("Smith & Jones <Clinic>"), text)
        let html = try templates.render("notice.html", ["organisation": "Smith & Jones <Clinic>", "link": "https://x/p/1/2"])
        XCTAssertTrue(html.contains("Smith &amp; Jones &lt;Clinic&gt;"))
    }
}
