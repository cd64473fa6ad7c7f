// Decoding `delivery:`: the smarthost (absent: direct MX delivery), the port, the retry
// schedule, lifetime, CA file, connect timeout, per-domain TLS levels and TLS observations.
import MailCore
import Yams
import YAMLSyntax

extension ConfigDecoder {
    func decodeDelivery(_ node: Node) {
        guard let delivery = reader.section(node, name: "delivery", allowed: ConfigSchema.delivery) else { return }
        if let n = delivery["port"], let port = reader.integer(n, "delivery.port", in: 1...65535) {
            config.deliveryPort = port
        }
        if let n = delivery["smarthost"] {
            if let text = reader.string(n, "delivery.smarthost") {
                config.smarthost = reader.value(ConfigValueParsers.smarthost(text, defaultPort: config.deliveryPort),
                                                n, "delivery.smarthost")
            }
        }
        if let n = delivery["retry"], let items = reader.list(n, "delivery.retry") {
            let steps = items.compactMap { reader.duration($0.node, $0.name) }
            if items.isEmpty {
                reader.error("delivery.retry: needs at least one interval, e.g. [1m, 5m, 15m, 30m]", at: n)
            } else if steps.count == items.count {
                config.retrySteps = steps
            }
        }
        if let n = delivery["retry_after"], let v = reader.duration(n, "delivery.retry_after") { config.retryAfter = v }
        if let n = delivery["max_lifetime"], let v = reader.duration(n, "delivery.max_lifetime") { config.maxLifetime = v }
        if let n = delivery["connect_timeout"], let v = reader.duration(n, "delivery.connect_timeout") {
            config.connectTimeout = v
        }
        if let n = delivery["concurrency"], let v = reader.integer(n, "delivery.concurrency", in: 1...10_000) {
            config.deliveryConcurrency = v
        }
        if let n = delivery["destination_concurrency"],
           let v = reader.integer(n, "delivery.destination_concurrency", in: 1...1_000) {
            config.destinationConcurrency = v
        }
        if let n = delivery["ca_file"], let text = reader.optionalString(n, "delivery.ca_file") {
            config.deliveryCAFile = text.map(resolve)
            caFileMark = delivery.keyNode("ca_file")?.mark
        }
        if let n = delivery["tls"] { decodeDeliveryTLS(n) }
        if let n = delivery["observations"], let text = reader.string(n, "delivery.observations") {
            config.observationsPath = resolve(text)
        }
        if let n = delivery["mta_sts_cache"], let text = reader.string(n, "delivery.mta_sts_cache") {
            config.mtaSTSCachePath = resolve(text)
        }
        if let n = delivery["ratchet"], let on = reader.bool(n, "delivery.ratchet") { config.tlsRatchet = on }
        if let n = delivery["ratchet_expiry"], let v = reader.duration(n, "delivery.ratchet_expiry") { config.tlsRatchetExpiry = v }
    }

    /// `tls: {default: may, domains: {partner.example: verify, "*.gov": dane}}`.
    private func decodeDeliveryTLS(_ node: Node) {
        guard let tls = reader.section(node, name: "delivery.tls", allowed: ConfigSchema.deliveryTLS) else { return }
        if let n = tls["default"], let level = reader.choice(n, "delivery.tls.default", as: TLSLevel.self) {
            config.tlsDefaultLevel = level
        }
        guard let n = tls["domains"] else { return }
        guard case .mapping(let mapping) = n else {
            reader.error("delivery.tls.domains: expected a mapping of domain: level, got \(reader.describe(n))", at: n)
            return
        }
        for (key, value) in mapping {
            guard let domain = reader.string(key, "delivery.tls.domains") else { continue }
            let bare = domain.hasPrefix("*.") ? String(domain.dropFirst(2)) : domain
            guard DomainName(bare) != nil else {
                reader.error("delivery.tls.domains: '\(domain)' is not a domain name or a *.wildcard", at: key)
                continue
            }
            if let level = reader.choice(value, "delivery.tls.domains.\(domain)", as: TLSLevel.self) {
                config.tlsDomainLevels[domain.lowercased()] = level
            }
        }
    }
}
