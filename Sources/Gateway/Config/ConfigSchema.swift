// The known keys of each config section, in documentation order. Used to reject unknown keys
// (with a suggestion); docs/configuration.md documents every key listed here.

enum ConfigSchema {
    static let topLevel = ["hostname", "node_id", "listeners", "relay", "tls", "spool", "spool_key", "delivery",
                           "limits", "audit", "control_socket", "log", "policies", "users", "dns", "scanner", "dkim",
                           "keys", "smime", "pgp", "portal", "tls_reporting", "admin", "shared_store",
                           "shared_store_password_file", "webhooks"]
    static let scanner = ["mrn_context_words", "mrn_pattern", "health_terms", "context_window"]
    static let listener = ["name", "address", "tls", "auth"]
    static let relay = ["trusted_networks", "normalize_bare_newline_networks"]
    static let tls = ["certificate", "key", "ciphers"]
    static let portalTLS = ["certificate", "key"]
    static let delivery = ["smarthost", "port", "retry", "retry_after", "max_lifetime", "ca_file", "connect_timeout",
                           "concurrency", "destination_concurrency",
                           "tls", "observations", "ratchet", "ratchet_expiry", "mta_sts_cache"]
    static let deliveryTLS = ["default", "domains"]
    static let limits = ["max_message_size", "max_recipients", "max_connections", "max_connections_per_ip",
                         "reserved_connections", "max_data_line_length", "command_timeout", "data_timeout",
                         "stress_command_timeout", "spool_min_free",
                         "auth_failures", "auth_window", "auth_lockout"]
    static let audit = ["store", "signing_key", "retention", "password_file", "outbox", "chain_heads_interval", "when_unwritable"]
    static let log = ["format", "level"]
    static let tlsReporting = ["from", "organisation", "contact", "send_after", "state_file"]
    static let dns = ["resolver", "dnssec", "reverse_lookup"]
    static let dkim = ["domains"]
    static let dkimDomain = ["selector", "key", "second_selector", "second_key"]
    static let keys = ["directory"]
    static let smime = ["signing", "ciphers"]
    static let smimeSigning = ["certificate", "key", "chain"]
    static let pgp = ["signing"]
    static let pgpSigning = ["key"]
    static let portal = ["listen", "base_url", "tls", "store", "pepper_file", "organisation", "notice_from", "templates",
                         "password_cost", "code_lifetime", "session_lifetime", "codes_per_hour", "lockout", "reply",
                         "sweep_interval"]
    static let admin = ["listen", "tls", "tokens_file"]
    static let webhook = ["url", "secret_file", "events", "ca_file", "retry_first", "retry_max", "give_up_after"]
    static let portalLockout = ["failures", "duration"]
    static let portalReply = ["max_size", "max_attachments"]

    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
    static let dnssecModes = ["off", "trust-ad"]
    /// 2 base-31 characters of the queue ID hold the node number.
    static let maxNodeID = 960
}
