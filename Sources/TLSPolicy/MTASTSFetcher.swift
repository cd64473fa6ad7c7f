// Fetches https://mta-sts.<domain>/.well-known/mta-sts.txt (RFC 8461 §3.3) with async-http-client:
// our own addresses via dnsOverride, full PKIX verification, no redirects, 200 + text/plain, 64 KiB cap.
// Its HTTP clients run on the event loop group the caller owns; the extra CA file is read once, at init.
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOSSL

/// Why a policy fetch failed; the text goes into `MTASTSLookup.temporaryFailure` and the logs.
public enum MTASTSFetchError: Error, CustomStringConvertible {
    case noAddress(String)
    case status(Int)
    case contentType(String)
    case tooLarge
    case notUTF8
    case badPolicy(MTASTSParseError)
    case transport(String)

    public var description: String {
        switch self {
        case .noAddress(let host): return "no address for \(host)"
        case .status(let code): return "HTTP status \(code) (only 200 is accepted, redirects are not followed)"
        case .contentType(let type): return "Content-Type \"\(type)\" is not text/plain"
        case .tooLarge: return "policy larger than \(MTASTSFetcher.maxBodyBytes) bytes"
        case .notUTF8: return "policy is not UTF-8 text"
        case .badPolicy(let e): return "invalid policy: \(e)"
        case .transport(let text): return text
        }
    }
}

public struct MTASTSFetcher: MTASTSPolicyFetching {
    static let maxBodyBytes = 64 * 1024
    static let totalTimeout = TimeAmount.seconds(20)

    /// The trusted roots besides the system's, loaded from `extraCAFile` once.
    let extraRoots: [NIOSSLCertificate]
    let httpsPort: Int
    /// Per address: how long connecting (TCP and TLS, retried by the HTTP client) may take.
    let connectTimeout: TimeAmount
    let group: EventLoopGroup
    let logger: Logger

    /// `extraCAFile` is trusted besides the system roots; it is read here (`CAFile`), and an
    /// unreadable or empty file, or one with no certificate, throws `CAFile.LoadError`. `httpsPort` is 443 except in tests.
    /// `group` (owned by the caller, who shuts it down after the last fetch) runs the HTTP clients.
    public init(extraCAFile: String?, httpsPort: Int = 443, connectTimeout: TimeAmount = .seconds(10),
                group: EventLoopGroup, logger: Logger) throws {
        self.extraRoots = try extraCAFile.map(CAFile.loadPEM) ?? []
        self.httpsPort = httpsPort
        self.connectTimeout = connectTimeout
        self.group = group
        self.logger = logger
    }

    /// Fetches the policy text for `domain` from the first of `addresses` that answers.
    /// The host name checked against the certificate (and sent as SNI) is always `mta-sts.<domain>`.
    public func policyText(domain: String, addresses: [String]) async throws -> String {
        let host = "mta-sts." + domain
        guard !addresses.isEmpty else { throw MTASTSFetchError.noAddress(host) }
        let tls = tlsConfiguration()
        var lastError: Error = MTASTSFetchError.noAddress(host)
        for address in addresses.prefix(4) {
            do {
                return try await fetch(host: host, address: address, tls: tls)
            } catch let error as MTASTSFetchError {
                // The server answered and the answer is unacceptable: another address won't be better.
                if case .transport = error { lastError = error; continue }
                throw error
            } catch {
                lastError = MTASTSFetchError.transport("\(address): \(error)")
            }
        }
        throw lastError
    }

    private func tlsConfiguration() -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        tls.minimumTLSVersion = .tlsv12
        if !extraRoots.isEmpty { tls.additionalTrustRoots = [.certificates(extraRoots)] }
        return tls
    }

    private func fetch(host: String, address: String, tls: TLSConfiguration) async throws -> String {
        var config = HTTPClient.Configuration(tlsConfiguration: tls,
                                              redirectConfiguration: .disallow,
                                              timeout: .init(connect: connectTimeout, read: Self.totalTimeout))
        config.dnsOverride = [host: address]
        config.decompression = .disabled
        let client = HTTPClient(eventLoopGroup: group, configuration: config)
        do {
            let policy = try await fetch(client: client, host: host)
            try? await client.shutdown()
            return policy
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func fetch(client: HTTPClient, host: String) async throws -> String {
        let portPart = httpsPort == 443 ? "" : ":\(httpsPort)"
        var request = HTTPClientRequest(url: "https://\(host)\(portPart)/.well-known/mta-sts.txt")
        request.method = .GET
        request.headers.add(name: "User-Agent", value: "Sealgate MTA-STS")
        let response = try await client.execute(request, timeout: Self.totalTimeout, logger: logger)
        guard response.status.code == 200 else { throw MTASTSFetchError.status(Int(response.status.code)) }
        let contentType = response.headers.first(name: "Content-Type") ?? ""
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard mediaType.lowercased() == "text/plain" else { throw MTASTSFetchError.contentType(contentType) }
        if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > Self.maxBodyBytes {
            throw MTASTSFetchError.tooLarge
        }
        var body = ByteBuffer()
        for try await chunk in response.body {
            guard body.readableBytes + chunk.readableBytes <= Self.maxBodyBytes else { throw MTASTSFetchError.tooLarge }
            var chunk = chunk
            body.writeBuffer(&chunk)
        }
        guard let text = String(bytes: body.readableBytesView, encoding: .utf8) else {
            throw MTASTSFetchError.notUTF8
        }
        return text
    }
}
