// WebhookTransport: one signed POST to an endpoint, returning the HTTP status. `HTTPWebhookTransport`
// is async-http-client on the daemon's event loop group (TLS 1.2+, full verification, the endpoint's CA added).

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

public protocol WebhookTransport: Sendable {
    /// POSTs `body` with `headers`; the status code, or a thrown error when no response came.
    func post(_ body: [UInt8], headers: [(String, String)]) async throws -> Int
    func shutdown() async
}

public final class HTTPWebhookTransport: WebhookTransport, @unchecked Sendable {
    private let url: String
    private let client: HTTPClient
    static let timeout: TimeAmount = .seconds(15)

    public init(url: String, caFile: String?, group: any EventLoopGroup) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        tls.minimumTLSVersion = .tlsv12
        if let caFile { tls.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(caFile))] }
        var config = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow,
                                              timeout: .init(connect: .seconds(10), read: Self.timeout))
        config.decompression = .disabled
        self.url = url
        self.client = HTTPClient(eventLoopGroup: group, configuration: config)
    }

    public func post(_ body: [UInt8], headers: [(String, String)]) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Sealgate-Webhook/1")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: Self.timeout)
        // Read (and drop) at most 64 KiB of the answer so the connection can be reused.
        _ = try? await response.body.collect(upTo: 65_536)
        return Int(response.status.code)
    }

    public func shutdown() async { try? await client.shutdown() }
}
