// FilePortalBackend: the portal store's blobs as files under one directory (var/portal/ by default),
// written with the spool's durability rules through SafeIO (temp file, fsync, rename; 0600/0700; one flock).

import SafeIO

struct FilePortalBackend: PortalStoreBackend {
    let layout: PortalStoreLayout

    var location: String { layout.root }

    func prepare() throws {
        for dir in [layout.root, layout.messages, layout.recipients] {
            try SafeIO.makeDirectory(dir, mode: 0o700, parents: true, tighten: true)
        }
    }

    func read(_ key: PortalStoreKey) throws -> [UInt8]? { try SafeIO.read(path(key)) }

    func write(_ key: PortalStoreKey, _ bytes: [UInt8]) throws { try SafeIO.writeFile(path(key), bytes, mode: 0o600) }

    func remove(_ key: PortalStoreKey) throws { try SafeIO.remove(path(key)) }

    func messageFiles() throws -> [(PortalMessageID, PortalStoreLayout.MessageFile)] {
        try SafeIO.list(layout.messages).compactMap(PortalStoreLayout.messageFile(named:))
    }

    func hasRecipients() throws -> Bool { try !SafeIO.list(layout.recipients).isEmpty }

    func locked<T>(_ body: () throws -> T) throws -> T { try SafeIO.withExclusiveLock(layout.lockFile, body) }

    func syncRemovals() throws {
        try SafeIO.syncDirectory(layout.messages)
        try SafeIO.syncDirectory(layout.recipients)
    }

    func removeLeftovers() throws -> Bool {
        var removed = false
        for dir in [layout.messages, layout.recipients] {
            for name in try SafeIO.list(dir) where PortalStoreLayout.isTempFile(name) {
                try SafeIO.remove("\(dir)/\(name)")
                removed = true
            }
        }
        return removed
    }

    private func path(_ key: PortalStoreKey) -> String { layout.path(key) }
}
