// ConfigDecoder+SharedStore: the top-level `shared_store: postgresql://USER@HOST:PORT/DB` and its
// `shared_store_password_file`, parsed as audit.store's URL is (PostgresLocation).
import Audit
import Yams
import YAMLSyntax

extension ConfigDecoder {
    func decodeSharedStore(_ top: YAMLMapping) {
        guard let node = top["shared_store"] else {
            if let p = top["shared_store_password_file"] {
                reader.error("shared_store_password_file: set only with shared_store", at: p)
            }
            return
        }
        guard let url = reader.string(node, "shared_store") else { return }
        let location: PostgresLocation
        do { location = try PostgresLocation.parse(url) } catch {
            let reason = (error as? PostgresLocationError)?.reason ?? "\(error)"
            reader.error("shared_store: '\(PostgresLocation.redacted(url))': \(reason)", at: node)
            return
        }
        var settings = SharedStoreConfig(location: location, passwordFile: nil)
        if let p = top["shared_store_password_file"], let file = reader.string(p, "shared_store_password_file") {
            settings.passwordFile = resolve(file)
        }
        config.sharedStore = settings
    }
}
