// ConfigDecoder: walks the YAML tree section by section onto a copy of the built-in defaults,
// so a missing key keeps its default and every bad key leaves one diagnostic behind.
import Foundation
import MailCore
import Yams
import YAMLSyntax

final class ConfigDecoder {
    let reader: YAMLReader
    let baseDirectory: String
    /// The time certificates and keys named by the file are judged valid at.
    let now: Date
    var config: GatewayConfig
    /// Where `tls.certificate` / `tls.key` were written, for the missing-file diagnostics.
    var certificateKeyMark: Mark?
    var keyKeyMark: Mark?
    var tlsSectionMark: Mark?
    var listenerTLSMarks: [String: Mark] = [:]
    var caFileMark: Mark?

    init(file: String, baseDirectory: String, now: Date) {
        reader = YAMLReader(file: file)
        self.baseDirectory = baseDirectory
        self.now = now
        config = GatewayConfig.builtInDefaults(baseDirectory: baseDirectory)
        config.sourcePath = ConfigValueParsers.resolvePath(file, base: baseDirectory)
    }

    /// Decodes the document root (nil for an empty file) into `config`.
    func decode(root: Node?) {
        guard let root else { return }   // an empty file: every default applies
        guard case .mapping = root else {
            reader.error("the config file must be a mapping of keys (hostname:, listeners:, ...), got \(reader.describe(root))", at: root)
            return
        }
        guard let top = reader.section(root, name: "", allowed: ConfigSchema.topLevel) else { return }
        decodeIdentity(top)
        if let node = top["listeners"] { decodeListeners(node) }
        if let node = top["relay"] { decodeRelay(node, keyMark: top.keyNode("relay")?.mark) }
        if let node = top["tls"] { decodeTLS(node, keyMark: top.keyNode("tls")?.mark) }
        decodePaths(top)
        if let node = top["delivery"] { decodeDelivery(node) }
        if let node = top["limits"] { decodeLimits(node) }
        if let node = top["audit"] { decodeAudit(node) }
        if let node = top["log"] { decodeLog(node) }
        if let node = top["dns"] { decodeDNS(node) }
        if let node = top["scanner"] { decodeScanner(node) }
        if let node = top["dkim"] { decodeDKIM(node) }
        if let node = top["keys"] { decodeKeys(node) }
        if let node = top["smime"] { decodeSMIME(node) }
        if let node = top["pgp"] { decodePGP(node) }
        if let node = top["portal"] { decodePortal(node, keyMark: top.keyNode("portal")?.mark) }
        decodeSharedStore(top)
        if let node = top["admin"] { decodeAdmin(node, keyMark: top.keyNode("admin")?.mark) }
        if let node = top["tls_reporting"] { decodeTLSReporting(node, keyMark: top.keyNode("tls_reporting")?.mark) }
        if let node = top["webhooks"] { decodeWebhooks(node) }
        checkFiles()
    }

    private func decodeIdentity(_ top: YAMLMapping) {
        if let node = top["hostname"], let name = reader.string(node, "hostname") {
            if DomainName(name) == nil {
                reader.error("hostname: '\(name)' is not a valid host name", at: node)
            } else {
                config.hostname = name
            }
        }
        if let node = top["node_id"], let id = reader.integer(node, "node_id", in: 0...ConfigSchema.maxNodeID) {
            config.nodeID = UInt16(id)
        }
    }

    private func decodePaths(_ top: YAMLMapping) {
        func path(_ key: String, _ apply: (String) -> Void) {
            guard let node = top[key], let text = reader.string(node, key) else { return }
            apply(resolve(text))
        }
        path("spool") { config.spoolPath = $0 }
        path("spool_key") { config.spoolKeyPath = $0 }
        path("control_socket") { config.controlSocketPath = $0 }
        path("policies") { config.policiesPath = $0 }
        path("users") { config.usersPath = $0 }
    }

    func resolve(_ path: String) -> String { ConfigValueParsers.resolvePath(path, base: baseDirectory) }
}
