// Decoding `keys:`: where the recipient key store lives (`sealgate keys import` writes there and
// the daemon reads it); relative to the config file's directory like every other path.
import Yams
import YAMLSyntax

extension ConfigDecoder {
    /// `keys: {directory: certs/recipients}`.
    func decodeKeys(_ node: Node) {
        guard let keys = reader.section(node, name: "keys", allowed: ConfigSchema.keys) else { return }
        if let n = keys["directory"], let text = reader.string(n, "keys.directory") {
            guard !text.isEmpty else {
                reader.error("keys.directory: must not be empty", at: n)
                return
            }
            config.keysDirectory = resolve(text)
        }
    }
}
