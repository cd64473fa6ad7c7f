// AdminConfig: the `admin:` section (docs/configuration.md): the admin API's HTTPS listener, its
// certificate and key, and the hashed bearer-token file. Absent: no admin listener. Restart to change.

public struct AdminConfig: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var certificatePath: String
    public var keyPath: String
    /// The 0600 file `sealgate admin token add` writes (SHA-256 of each token, never the token).
    public var tokensPath: String

    public var listenDescription: String { HostPort.render(host: host, port: port) }
}

extension GatewayConfig {
    /// Where `sealgate admin token` keeps tokens: `admin.tokens_file`, else `var/admin.tokens`.
    public var adminTokensPath: String { admin?.tokensPath ?? defaultAdminTokensPath }
}
