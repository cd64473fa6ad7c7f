// The position-keeping reader: line and column of nested keys and values, unknown keys with a
// suggestion, typed reads that leave diagnostics, YAML syntax errors, and the rendering.
import XCTest
import Yams
@testable import YAMLSyntax

final class YAMLReaderTests: XCTestCase {
    private func read(_ yaml: String, file: String = "t.yaml") -> (YAMLReader, Node?) {
        let reader = YAMLReader(file: file)
        return (reader, reader.compose(yaml))
    }

    func testPositionsOfNestedKeysAndValues() throws {
        let (reader, root) = read("""
            outer:
              inner:
                deep: 42
              list:
                - {k: v}
            """)
        let top = try XCTUnwrap(reader.mapping(try XCTUnwrap(root), "", allowed: ["outer"]))
        let outer = try XCTUnwrap(reader.mapping(try XCTUnwrap(top["outer"]), "outer", allowed: ["inner", "list"]))
        let inner = try XCTUnwrap(reader.mapping(try XCTUnwrap(outer["inner"]), "outer.inner", allowed: ["deep"]))
        XCTAssertEqual(YAMLReader.position(of: outer.keyNode("inner")?.mark).line, 2)
        XCTAssertEqual(YAMLReader.position(of: outer.keyNode("inner")?.mark).column, 3)
        let deepKey = YAMLReader.position(of: inner.keyNode("deep")?.mark)
        XCTAssertEqual([deepKey.line, deepKey.column], [3, 5])
        let deepValue = YAMLReader.position(of: inner["deep"]?.mark)
        XCTAssertEqual([deepValue.line, deepValue.column], [3, 11])
        let items = try XCTUnwrap(reader.list(try XCTUnwrap(outer["list"]), "outer.list"))
        XCTAssertEqual(items.map(\.name), ["outer.list[0]"])
        let item = try XCTUnwrap(reader.mapping(items[0].node, items[0].name, allowed: ["k"]))
        let value = YAMLReader.position(of: item["k"]?.mark)
        XCTAssertEqual([value.line, value.column], [5, 11])
        XCTAssertEqual(reader.diagnostics, [])
    }

    func testUnknownKeysAreReportedWithASuggestionAndLeftOut() throws {
        let (reader, root) = read("rules: 1\nrulez: 2\ncolour: 3\n")
        let top = try XCTUnwrap(reader.mapping(try XCTUnwrap(root), "top", what: "top-level key",
                                                allowed: ["rules", "color_mode_xyz"], in: "the file"))
        XCTAssertEqual(top.entries.map(\.key), ["rules"])
        XCTAssertEqual(reader.diagnostics.map(\.description), [
            "t.yaml:2:1: error: unknown top-level key 'rulez' in the file; did you mean 'rules'?",
            "t.yaml:3:1: error: unknown top-level key 'colour' in the file",
        ])
    }

    func testTypedReadsReportAtTheValue() throws {
        let (reader, root) = read("""
            a: maybe
            b: [1]
            c: 70000
            d: 5x
            e: 10 M
            f: ""
            g: ~
            h: 0
            """)
        let m = try XCTUnwrap(reader.mapping(try XCTUnwrap(root), "", allowed: Array("abcdefgh").map(String.init)))
        XCTAssertNil(reader.bool(try XCTUnwrap(m["a"]), "a"))
        XCTAssertNil(reader.string(try XCTUnwrap(m["b"]), "b"))
        XCTAssertNil(reader.integer(try XCTUnwrap(m["c"]), "c", in: 1...65535))
        XCTAssertNil(reader.duration(try XCTUnwrap(m["d"]), "d"))
        XCTAssertNil(reader.byteSize(try XCTUnwrap(m["e"]), "e"))
        XCTAssertNil(reader.string(try XCTUnwrap(m["f"]), "f"))
        XCTAssertEqual(reader.optionalString(try XCTUnwrap(m["g"]), "g"), .some(nil))
        XCTAssertNil(reader.byteSize(try XCTUnwrap(m["h"]), "h", minimum: 1))
        XCTAssertNil(reader.integer(try XCTUnwrap(m["h"]), "h", minimum: 1))
        XCTAssertEqual(reader.sortedDiagnostics.map(\.description), [
            "t.yaml:1:4: error: a: expected true or false, got 'maybe'",
            "t.yaml:2:4: error: b: expected a string, got a list",
            "t.yaml:3:4: error: c: 70000 is out of range; expected 1 to 65535",
            "t.yaml:4:4: error: d: bad duration '5x': unknown unit 'x'; " + DurationSyntax.hint,
            "t.yaml:5:4: error: e: bad size '10 M': 'M' alone is ambiguous: write MB (powers of 1000) or MiB (powers of 1024)",
            "t.yaml:6:4: error: f: must not be empty",
            "t.yaml:8:4: error: h: '0' is too small; it must be at least 1 byte",
            "t.yaml:8:4: error: h: must be at least 1, got 0",
        ])
    }

    func testGoodValues() throws {
        let (reader, root) = read("a: Yes\nb: 1_000\nc: 35 MiB\nd: 1w\ne: [x, y]\nf: ssl\n")
        let m = try XCTUnwrap(reader.mapping(try XCTUnwrap(root), "", allowed: ["a", "b", "c", "d", "e", "f"]))
        XCTAssertEqual(reader.bool(try XCTUnwrap(m["a"]), "a"), true)
        XCTAssertEqual(reader.integer(try XCTUnwrap(m["b"]), "b", minimum: 0), 1000)
        XCTAssertEqual(reader.byteSize(try XCTUnwrap(m["c"]), "c"), 36_700_160)
        XCTAssertEqual(reader.duration(try XCTUnwrap(m["d"]), "d"), 604_800)
        XCTAssertEqual(reader.stringList(try XCTUnwrap(m["e"]), "e")?.map(\.text), ["x", "y"])
        XCTAssertNil(reader.choice(try XCTUnwrap(m["f"]), "f", among: ["none", "starttls"]))
        XCTAssertEqual(reader.diagnostics.map(\.message), ["f: 'ssl' is not allowed; expected one of: none, starttls"])
    }

    func testYAMLSyntaxErrorBecomesOnePositionedDiagnostic() {
        let (reader, root) = read("a: [1, 2\nb: 3\n")
        XCTAssertNil(root)
        XCTAssertEqual(reader.diagnostics.count, 1)
        let d = reader.diagnostics[0]
        XCTAssertTrue(d.message.hasPrefix("YAML syntax error: "), d.message)
        XCTAssertFalse(d.message.contains("\n"), "no source snippet: \(d.message)")
        XCTAssertEqual(d.line, 2)
    }

    func testDuplicateKeysAreNamed() {
        let (reader, _) = read("a: 1\na: 2\n")
        XCTAssertEqual(reader.diagnostics.map(\.message), ["duplicate key 'a': each key may appear only once in a mapping"])
    }

    func testEmptyDocumentIsNoRootAndNoError() {
        let (reader, root) = read("")
        XCTAssertNil(root)
        XCTAssertEqual(reader.diagnostics, [])
    }

    func testUTF8OffsetPosition() {
        let p = YAMLParseError.position(ofUTF8Offset: 7, in: "ab\ncdef\ngh")
        XCTAssertEqual([p.line, p.column], [2, 5])
    }

    func testRenderingAndOrder() {
        let reader = YAMLReader(file: "p.yaml")
        reader.error("late", line: 9, column: 1)
        reader.error("in a list file", line: 1, column: 1, file: "l.txt")
        reader.warning("early", at: nil)
        XCTAssertEqual(reader.sortedDiagnostics.map(\.description),
                       ["p.yaml:1:1: warning: early", "p.yaml:9:1: error: late", "l.txt:1:1: error: in a list file"])
        XCTAssertEqual(YAMLDiagnostic(file: "f", line: 3, column: 7, message: "boom").description, "f:3:7: error: boom")
    }
}
