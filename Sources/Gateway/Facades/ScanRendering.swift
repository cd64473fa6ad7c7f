// ScanRendering: the two renderings of a scan result that `sealgate scan` prints: tab-separated
// lines (or "no findings") and one JSON object. Samples are already masked by the scanner.

import Foundation
import PHIScanner

enum ScanRendering {
    static func json(_ r: ScanResult) -> String {
        let findings = r.findings.map {
            "{\"type\":\(quote($0.type.rawValue)),\"sample\":\(quote($0.sample)),\"part\":\(quote($0.part)),"
                + "\"confidence\":\($0.confidence)}"
        }
        let uninspected = r.uninspected.map {
            "{\"part\":\(quote($0.part)),\"content_type\":\(quote($0.contentType)),\"reason\":\(quote($0.reason))}"
        }
        return "{\"findings\":[\(findings.joined(separator: ","))], \"uninspected\":[\(uninspected.joined(separator: ","))]}"
    }

    static func text(_ r: ScanResult) -> String {
        var lines = r.findings.map { "\($0.type.rawValue)\t\($0.sample)\tpart \($0.part)\tconfidence \($0.confidence)" }
        lines += r.uninspected.map { "uninspected\tpart \($0.part)\t\($0.contentType)\t\($0.reason)" }
        return lines.isEmpty ? "no findings" : lines.joined(separator: "\n")
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
