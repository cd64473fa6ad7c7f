// ConfigFileHashes: the files that decide behaviour at a start or a reload (the config file and every
// policy file), each with the SHA-256 of its bytes, for the `config_loaded` and `reload` admin records.

import Audit
import Foundation

enum ConfigFileHashes {
    /// The config file (when there is one; built-in defaults have none), then the policy files the
    /// loader reads (`*.yaml`, `*.yml` in the policies directory, sorted). Unreadable files are left out:
    /// the loader refuses them and the record's detail says so.
    static func of(_ config: GatewayConfig) -> [FileHash] {
        var paths: [String] = config.sourcePath.map { [$0] } ?? []
        let names = (try? FileManager.default.contentsOfDirectory(atPath: config.policiesPath)) ?? []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            paths.append((config.policiesPath as NSString).appendingPathComponent(name))
        }
        return paths.compactMap { path in
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            return FileHash(path: path, bytes: [UInt8](data))
        }
    }
}
