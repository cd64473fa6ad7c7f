// Decoding `scanner:`: the PHI scanner's admin-tunable parts: MRN context words and identifier
// pattern, extra health-term dictionaries (plain files admins extend), and the context window.
import Foundation
import Yams
import YAMLSyntax

extension ConfigDecoder {
    func decodeScanner(_ node: Node) {
        guard let scanner = reader.section(node, name: "scanner", allowed: ConfigSchema.scanner) else { return }
        if let n = scanner["mrn_context_words"], let items = reader.list(n, "scanner.mrn_context_words") {
            let words = items.compactMap { reader.string($0.node, $0.name) }
            if words.count == items.count { config.scannerMRNContextWords = words }
        }
        if let n = scanner["mrn_pattern"], let pattern = reader.string(n, "scanner.mrn_pattern") {
            if (try? NSRegularExpression(pattern: pattern)) == nil {
                reader.error("scanner.mrn_pattern: '\(pattern)' is not a valid regular expression", at: n)
            } else {
                config.scannerMRNPattern = pattern
            }
        }
        if let n = scanner["health_terms"], let items = reader.list(n, "scanner.health_terms") {
            for item in items {
                guard let path = reader.string(item.node, item.name) else { continue }
                let resolved = resolve(path)
                if FileManager.default.isReadableFile(atPath: resolved) {
                    config.scannerHealthTermFiles.append(resolved)
                } else {
                    reader.error("\(item.name): cannot read '\(resolved)'", at: item.node)
                }
            }
        }
        if let n = scanner["context_window"], let v = reader.integer(n, "scanner.context_window", in: 1...1000) {
            config.scannerContextWindow = v
        }
    }
}
