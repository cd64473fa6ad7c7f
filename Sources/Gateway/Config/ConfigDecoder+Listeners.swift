// Decoding `listeners:`: each entry's name, address, tls and auth, then the cross-checks
// (unique names, unique addresses) that no single entry can make on its own.
import MailCore
import Yams
import YAMLSyntax

extension ConfigDecoder {
    func decodeListeners(_ node: Node) {
        guard let items = reader.list(node, "listeners") else { return }
        if items.isEmpty {
            reader.error("listeners: at least one listener is needed", at: node)
            return
        }
        var listeners: [ListenerConfig] = []
        var namesSeen: [String: (listener: String, mark: Mark?)] = [:]
        var addressesSeen: [String: String] = [:]
        for (item, name) in items {
            guard let entry = reader.section(item, name: name, allowed: ConfigSchema.listener) else { continue }
            let listener = decodeListener(entry, item, name)
            // Names are checked even on an otherwise broken entry, so every clash is reported.
            if let nameNode = entry["name"], let listenerName = nameNode.string, !reader.isNull(nameNode) {
                if let first = namesSeen[listenerName] {
                    let at = first.mark.map { " (first defined at line \($0.line))" } ?? ""
                    reader.error("\(name).name: duplicate listener name '\(listenerName)'\(at)", at: nameNode)
                    continue
                }
                namesSeen[listenerName] = (listenerName, nameNode.mark)
            }
            guard let listener else { continue }
            if listener.port != 0, let other = addressesSeen[listener.addressDescription] {
                reader.error("\(name).address: \(listener.addressDescription) is already used by listener '\(other)'",
                              at: entry["address"])
                continue
            }
            addressesSeen[listener.addressDescription] = listener.name
            listeners.append(listener)
        }
        config.listeners = listeners
    }

    /// One listener; nil (with diagnostics) when any of its fields is missing or wrong.
    private func decodeListener(_ section: YAMLMapping, _ item: Node, _ name: String) -> ListenerConfig? {
        var ok = true
        func required(_ key: String) -> Node? {
            if let node = section[key] { return node }
            reader.error("\(name): missing required key '\(key)'", at: item)
            ok = false
            return nil
        }
        let nameNode = required("name"), addressNode = required("address")
        let listenerName = nameNode.flatMap { reader.string($0, "\(name).name") }
        let address = addressNode.flatMap { n in reader.string(n, "\(name).address").flatMap {
            reader.value(ConfigValueParsers.listenAddress($0), n, "\(name).address")
        } }
        var tls = ListenerTLS.starttls, auth = ListenerAuth.optional
        if let node = section["tls"] {
            if let v = reader.choice(node, "\(name).tls", as: ListenerTLS.self) { tls = v } else { ok = false }
        }
        if let node = section["auth"] {
            if let v = reader.choice(node, "\(name).auth", as: ListenerAuth.self) { auth = v } else { ok = false }
        }
        if tls == .none, auth == .required, let node = section["auth"] {
            reader.error("\(name).auth: 'required' needs tls: starttls or implicit, because AUTH is offered only after TLS",
                          at: node)
            ok = false
        }
        guard ok, let listenerName, let address else { return nil }
        if tls != .none { listenerTLSMarks[listenerName] = (section["tls"] ?? item).mark }
        return ListenerConfig(name: listenerName, host: address.host, port: address.port, tls: tls, auth: auth)
    }
}
