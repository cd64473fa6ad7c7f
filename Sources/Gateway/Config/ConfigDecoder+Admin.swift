// Decoding `admin:`: the admin API's listener (`listen`, required), its certificate and key
// (default: the gateway's `tls:` pair), and `tokens_file`. The certificate and key are loaded now.
import Foundation
import NIOSSL
import Yams
import YAMLSyntax

extension ConfigDecoder {
    func decodeAdmin(_ node: Node, keyMark: Mark?) {
        guard let section = reader.section(node, name: "admin", allowed: ConfigSchema.admin, keyMark: keyMark) else { return }
        var admin = AdminConfig(host: "127.0.0.1", port: 9443, certificatePath: config.tlsCertificatePath,
                                keyPath: config.tlsKeyPath, tokensPath: config.defaultAdminTokensPath)
        if let n = section["listen"], let text = reader.string(n, "admin.listen"),
           let address = reader.value(ConfigValueParsers.listenAddress(text), n, "admin.listen") {
            admin.host = address.host; admin.port = address.port
            let wildcard: (String) -> Bool = { $0 == "0.0.0.0" || $0 == "::" || $0.isEmpty }
            let taken = config.listeners.map { ($0.name, $0.host, $0.port) }
                + (config.portal.map { [("portal", $0.host, $0.port)] } ?? [])
            if let clash = taken.first(where: {
                address.port != 0 && $0.2 == address.port && ($0.1 == address.host || wildcard($0.1) || wildcard(address.host))
            }) {
                reader.error("admin.listen: \(text) is already the address of '\(clash.0)'", at: n)
            }
        } else if section["listen"] == nil {
            reader.error("admin.listen: required: the address the admin API listens on, e.g. \"127.0.0.1:9443\"", at: keyMark)
        }
        var certificateMark = keyMark, keyFileMark = keyMark
        if let n = section["tls"], let tls = reader.section(n, name: "admin.tls", allowed: ConfigSchema.portalTLS) {
            if let c = tls["certificate"], let text = reader.string(c, "admin.tls.certificate"), !text.isEmpty {
                admin.certificatePath = resolve(text); certificateMark = c.mark
            }
            if let k = tls["key"], let text = reader.string(k, "admin.tls.key"), !text.isEmpty {
                admin.keyPath = resolve(text); keyFileMark = k.mark
            }
        }
        if let n = section["tokens_file"], let text = reader.string(n, "admin.tokens_file") {
            if text.isEmpty { reader.error("admin.tokens_file: must not be empty", at: n) } else { admin.tokensPath = resolve(text) }
        }
        do { _ = try NIOSSLCertificate.fromPEMFile(admin.certificatePath) } catch {
            reader.error("admin.tls.certificate: cannot load \(admin.certificatePath): \(error)", at: certificateMark)
        }
        do { _ = try NIOSSLPrivateKey(file: admin.keyPath, format: .pem) } catch {
            reader.error("admin.tls.key: cannot load \(admin.keyPath): \(error)", at: keyFileMark)
        }
        config.admin = admin
    }
}
