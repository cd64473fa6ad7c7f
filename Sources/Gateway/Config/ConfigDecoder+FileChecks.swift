// The checks that look at the disk: a listener that offers TLS needs the certificate and key
// files, and a configured delivery CA file must hold a certificate. Reported at the key naming the file.
import Foundation
import TLSPolicy
import Yams
import YAMLSyntax

extension ConfigDecoder {
    func checkFiles() {
        if let tlsListener = config.listeners.first(where: { $0.tls != .none }) {
            let why = "listener '\(tlsListener.name)' uses \(tlsListener.tls.rawValue)"
            let fallback = tlsSectionMark ?? listenerTLSMarks[tlsListener.name]
            requireFile(config.tlsCertificatePath, key: "tls.certificate", why: why, at: certificateKeyMark ?? fallback)
            requireFile(config.tlsKeyPath, key: "tls.key", why: why, at: keyKeyMark ?? fallback)
        }
        if let ca = config.deliveryCAFile {
            // The same loader the delivery client uses at start: missing, empty and garbage files fail here.
            do { _ = try CAFile.load(ca) } catch { reader.error("delivery.ca_file: \(error)", at: caFileMark) }
        }
    }

    private func requireFile(_ path: String, key: String, why: String?, at mark: Mark?) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { return }
        var message = "\(key): file not found: \(path)"
        if let why { message += " (\(why); scripts/run generates development certificates)" }
        reader.error(message, at: mark)
    }
}
