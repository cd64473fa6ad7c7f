// The checks that look at the disk: a listener that offers TLS needs the certificate and key
// files, and a configured delivery CA file must exist. Reported at the key that names the file.
import Foundation
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
            requireFile(ca, key: "delivery.ca_file", why: nil, at: caFileMark)
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
