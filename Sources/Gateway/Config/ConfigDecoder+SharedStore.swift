// Decoding `shared_store:` (a postgresql:// URL, read like `audit.store`'s) and
// `shared_store_password_file`; a `portal.store` directory alongside it is an error.

import Audit
import Yams
import YAMLSyntax

extension ConfigDecoder {
    func decodeSharedStore(_ top: YAMLMapping) {
        let passwordNode = top["shared_store_password_file"]
        guard let n = top["shared_store"], let url = reader.string(n, "shared_store") else {
            if passwordNode != nil, top["shared_store"] == nil {
                reader.error("shared_store_password_file needs shared_store: postgresql://…", at: passwordNode)
            }
            return
        }
        let location: PostgresLocation
        do { location = try PostgresLocation.parse(url, passwordKey: "shared_store_password_file") } catch {
            let reason = (error as? PostgresLocationError)?.reason ?? "\(error)"
            reader.error("shared_store: '\(PostgresLocation.redacted(url))': \(reason)", at: n)
            return
        }
        var shared = SharedStoreConfig(location: location, passwordFile: nil)
        if let p = passwordNode, let file = reader.string(p, "shared_store_password_file") { shared.passwordFile = resolve(file) }
        config.sharedStore = shared
        // The portal's messages then live in the database: a directory for them too would be ignored.
        if let store = top["portal"]?["store"] {
            reader.error("portal.store: not with shared_store (the portal store is then the shared PostgreSQL); remove one", at: store)
        }
    }
}
