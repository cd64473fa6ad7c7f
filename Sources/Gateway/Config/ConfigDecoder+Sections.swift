// Decoding the small sections: relay networks, the inbound TLS files, limits, audit store,
// log and dns. Each key that is absent keeps its built-in default.
import Audit
import MailCore
import Yams
import YAMLSyntax

extension ConfigDecoder {
    func decodeRelay(_ node: Node, keyMark: Mark?) {
        guard let relay = reader.section(node, name: "relay", allowed: ConfigSchema.relay) else { return }
        if let n = relay["trusted_networks"], let nets = networks(n, "relay.trusted_networks") {
            config.trustedNetworks = nets
        }
        if let n = relay["normalize_bare_newline_networks"],
           let nets = networks(n, "relay.normalize_bare_newline_networks") {
            config.normalizeBareNewlineNetworks = nets
        }
    }

    private func networks(_ node: Node, _ name: String) -> [IPNetwork]? {
        guard let items = reader.list(node, name) else { return nil }
        var out: [IPNetwork] = []
        var ok = true
        for (item, itemName) in items {
            guard let text = reader.string(item, itemName) else { ok = false; continue }
            guard let net = IPNetwork(text) else {
                reader.error("\(itemName): bad network '\(text)': expected an address or CIDR such as 10.0.0.0/8 or ::1/128",
                              at: item)
                ok = false
                continue
            }
            out.append(net)
        }
        return ok ? out : nil
    }

    func decodeTLS(_ node: Node, keyMark: Mark?) {
        tlsSectionMark = keyMark
        guard let tls = reader.section(node, name: "tls", allowed: ConfigSchema.tls) else { return }
        if let n = tls["certificate"], let path = reader.string(n, "tls.certificate") {
            config.tlsCertificatePath = resolve(path)
            certificateKeyMark = tls.keyNode("certificate")?.mark
        }
        if let n = tls["key"], let path = reader.string(n, "tls.key") {
            config.tlsKeyPath = resolve(path)
            keyKeyMark = tls.keyNode("key")?.mark
        }
        if let n = tls["ciphers"], let v = reader.choice(n, "tls.ciphers", as: InboundCipherPolicy.self) { config.tlsCiphers = v }
    }

    func decodeLimits(_ node: Node) {
        guard let limits = reader.section(node, name: "limits", allowed: ConfigSchema.limits) else { return }
        if let n = limits["max_message_size"], let v = reader.byteSize(n, "limits.max_message_size", minimum: 1) {
            config.maxMessageSize = v
        }
        let counts: [(String, WritableKeyPath<GatewayConfig, Int>, ClosedRange<Int>)] = [
            ("max_recipients", \.maxRecipients, 1...1_000_000),
            ("max_connections", \.maxConnections, 1...1_000_000),
            ("max_connections_per_ip", \.maxConnectionsPerIP, 1...1_000_000),
            // RFC 5321 4.5.3.1.6: a text line may be 1000 octets including CRLF.
            ("max_data_line_length", \.maxDataLineLength, 1000...16_777_216),
        ]
        for (key, path, range) in counts {
            if let n = limits[key], let v = reader.integer(n, "limits.\(key)", in: range) { config[keyPath: path] = v }
        }
        if let n = limits["command_timeout"], let v = reader.duration(n, "limits.command_timeout") { config.commandTimeout = v }
        if let n = limits["data_timeout"], let v = reader.duration(n, "limits.data_timeout") { config.dataTimeout = v }
        decodeStressLimits(limits)
        if let n = limits["spool_min_free"], let v = reader.byteSize(n, "limits.spool_min_free", minimum: 0) { config.spoolMinFree = v }
        if let n = limits["auth_failures"], let v = reader.integer(n, "limits.auth_failures", in: 1...1000) { config.authThrottle.failures = v }
        for (key, path) in [("auth_window", \AuthThrottle.Limits.window), ("auth_lockout", \AuthThrottle.Limits.lockout)] {
            guard let n = limits[key], let v = reader.duration(n, "limits.\(key)") else { continue }
            if v >= 1 { config.authThrottle[keyPath: path] = v } else { reader.error("limits.\(key): must be at least 1s", at: n) }
        }
    }

    /// The reserve and the stress timeout, checked against max_connections and command_timeout
    /// (whichever order the keys come in).
    private func decodeStressLimits(_ limits: YAMLMapping) {
        let maxConnections = config.maxConnections
        if let n = limits["reserved_connections"] {
            if let v = reader.integer(n, "limits.reserved_connections", minimum: 0) {
                if v < maxConnections {
                    config.reservedConnections = v
                } else {
                    reader.error("limits.reserved_connections: \(v) must be less than limits.max_connections (\(maxConnections)); "
                                 + "the rest is what untrusted clients may use", at: n)
                }
            }
        } else {
            config.reservedConnections = GatewayConfig.defaultReservedConnections(maxConnections: maxConnections)
        }
        if let n = limits["stress_command_timeout"], let v = reader.duration(n, "limits.stress_command_timeout") {
            if v < 1 {
                reader.error("limits.stress_command_timeout: must be at least 1s", at: n)
            } else if v > config.commandTimeout {
                reader.error("limits.stress_command_timeout: \(DurationSyntax.format(v)) is longer than limits.command_timeout "
                             + "(\(DurationSyntax.format(config.commandTimeout))); stress mode shortens the timeout", at: n)
            } else {
                config.stressCommandTimeout = v
            }
        } else if config.stressCommandTimeout > config.commandTimeout {
            config.stressCommandTimeout = config.commandTimeout   // a command_timeout below the default 10s
        }
    }

    func decodeAudit(_ node: Node) {
        guard let audit = reader.section(node, name: "audit", allowed: ConfigSchema.audit) else { return }
        if let n = audit["signing_key"], let text = reader.string(n, "audit.signing_key") { config.auditSigningKeyPath = resolve(text) }
        if let n = audit["retention"] { decodeRetention(n) }
        if let n = audit["when_unwritable"], let v = reader.choice(n, "audit.when_unwritable", as: AuditUnwritableAction.self) {
            config.auditWhenUnwritable = v
        }
        let postgresOnly = ["password_file", "outbox", "chain_heads_interval"]
        guard let n = audit["store"], let text = reader.string(n, "audit.store") else {
            for key in postgresOnly where audit[key] != nil { reader.error("audit.\(key) needs audit.store: postgresql://…", at: node) }
            return
        }
        if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") {
            decodePostgresAudit(audit, url: text, at: n)
            return
        }
        guard text.hasPrefix("sqlite:"), text.count > "sqlite:".count else {
            reader.error("audit.store: '\(PostgresLocation.redacted(text))' is not supported; expected sqlite:PATH or postgresql://USER@HOST:PORT/DB",
                          at: n)
            return
        }
        for key in postgresOnly where audit[key] != nil { reader.error("audit.\(key) is for audit.store: postgresql://… only", at: n) }
        config.auditStore = .sqlite(path: resolve(String(text.dropFirst("sqlite:".count))))
    }

    /// `audit.retention: {deliveries: 6y, admin: 10y, default: 6y}`: a group, an event name or `default`
    /// to `forever`, whole years (`6y`) or a duration (`90d`).
    private func decodeRetention(_ node: Node) {
        guard let entries = reader.stringMapping(node, "audit.retention") else { return }
        var retention = AuditRetention()
        let names = AuditRetention.entryNames
        for entry in entries {
            let name = "audit.retention.\(entry.key)"
            guard names.contains(entry.key) else {
                var message = "audit.retention: unknown group or event '\(entry.key)'; expected default, "
                    + AuditRetention.groups.map(\.name).joined(separator: ", ") + " or an event name (docs/audit.md)"
                if let guess = NameSuggestion.closest(to: entry.key, among: names) { message += "; did you mean '\(guess)'?" }
                reader.error(message, at: entry.keyNode)
                continue
            }
            let period: AuditRetention.Period
            if entry.value == "forever" {
                period = .forever
            } else if entry.value.hasSuffix("y"), let years = Int(entry.value.dropLast()), entry.value.first?.isNumber == true {
                guard (1...100).contains(years) else { reader.error("\(name): '\(entry.value)': between 1y and 100y", at: entry.valueNode); continue }
                period = .years(years)
            } else {
                switch DurationSyntax.parse(entry.value) {
                case .success(let seconds) where seconds >= 1: period = .seconds(seconds)
                case .success: reader.error("\(name): at least 1s", at: entry.valueNode); continue
                case .failure(let e):
                    reader.error("\(name): \(e.message); or whole years (6y), or forever", at: entry.valueNode); continue
                }
            }
            if entry.key == "default" { retention.defaultPeriod = period } else { retention.periods[entry.key] = period }
        }
        config.auditRetention = retention
    }

    /// `audit.store: postgresql://…` with its password file, outbox and chain-heads interval.
    private func decodePostgresAudit(_ audit: YAMLMapping, url: String, at n: Node) {
        let location: PostgresLocation
        do { location = try PostgresLocation.parse(url) } catch {
            let reason = (error as? PostgresLocationError)?.reason ?? "\(error)"
            reader.error("audit.store: '\(PostgresLocation.redacted(url))': \(reason)", at: n)
            return
        }
        var settings = PostgresAuditConfig(location: location, passwordFile: nil, outboxPath: resolve("var/audit.outbox"))
        if let p = audit["password_file"], let file = reader.string(p, "audit.password_file") { settings.passwordFile = resolve(file) }
        if let o = audit["outbox"], let file = reader.string(o, "audit.outbox") { settings.outboxPath = resolve(file) }
        if let i = audit["chain_heads_interval"], let v = reader.duration(i, "audit.chain_heads_interval") {
            if v < 1 { reader.error("audit.chain_heads_interval: at least 1s", at: i) } else { settings.chainHeadsInterval = v }
        }
        config.auditStore = .postgresql(settings)
    }

    func decodeLog(_ node: Node) {
        guard let log = reader.section(node, name: "log", allowed: ConfigSchema.log) else { return }
        if let n = log["format"], let v = reader.choice(n, "log.format", as: LogFormat.self) { config.logFormat = v }
        if let n = log["level"], let v = reader.choice(n, "log.level", among: ConfigSchema.logLevels) { config.logLevel = v }
    }

    func decodeDNS(_ node: Node) {
        guard let dns = reader.section(node, name: "dns", allowed: ConfigSchema.dns) else { return }
        if let n = dns["resolver"], let text = reader.optionalString(n, "dns.resolver") {
            config.dnsResolver = text.flatMap { reader.value(ConfigValueParsers.resolver($0), n, "dns.resolver") }
        }
        if let n = dns["dnssec"], let v = reader.choice(n, "dns.dnssec", among: ConfigSchema.dnssecModes) {
            config.dnssecMode = v
        }
        if let n = dns["reverse_lookup"], let on = reader.bool(n, "dns.reverse_lookup") {
            config.reverseLookup = on
        }
    }
}
