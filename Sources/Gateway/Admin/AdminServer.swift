// AdminServer: the admin API's HTTPS listener (docs/admin-api.yaml): Hummingbird 2 over TLS 1.2+
// with the forward-secret suites, bearer tokens checked against the token file at each request
// (401 without a valid one, 403 for a read token on an admin route), JSON answers, /metrics.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import Logging
import MailCore
import NIOCore
import NIOSSL
import ServiceLifecycle

enum AdminServer {
    /// The service the daemon runs; `onServerRunning` is called once the listener is bound.
    static func make(config: AdminConfig, data: any AdminAPIData, logger: Logger, eventLoopGroup: any EventLoopGroup,
                     onServerRunning: @escaping @Sendable (any Channel) async -> Void) throws -> some Service {
        let chain = try NIOSSLCertificate.fromPEMFile(config.certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: config.keyPath, format: .pem)
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        tls.cipherSuiteValues = InboundCipherPolicy.forwardSecretSuites
        return Application(router: router(tokens: AdminTokenStore(path: config.tokensPath), data: data),
                           server: try .tls(.http1(configuration: .init(idleTimeout: .seconds(60))), tlsConfiguration: tls),
                           configuration: ApplicationConfiguration(address: .hostname(config.host, port: config.port), serverName: nil),
                           onServerRunning: onServerRunning, eventLoopGroupProvider: .shared(eventLoopGroup), logger: logger)
    }

    /// The routes (tests drive them in memory, without TLS).
    static func router(tokens: AdminTokenStore, data: any AdminAPIData) -> Router<AdminRequestContext> {
        let router = Router(context: AdminRequestContext.self)
        router.add(middleware: AdminAuthMiddleware(tokens: tokens))
        AdminRoutes(data: data).register(on: router)
        return router
    }
}

public struct AdminRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The token that authenticated the request (set by the middleware).
    var token: AdminTokenRecord?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}

/// Every route needs a valid bearer token; admin-only routes (`AdminRoutes.adminOnly`) an admin one.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = AdminRequestContext
    let tokens: AdminTokenStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            return AdminRoutes.error(.unauthorized, "a bearer token is required", challenge: true)
        }
        let presented = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        let record: AdminTokenRecord?
        do { record = try tokens.authenticate(presented) } catch {
            return AdminRoutes.error(.internalServerError, "the token file cannot be read")
        }
        guard let record else { return AdminRoutes.error(.unauthorized, "the token is not valid", challenge: true) }
        if AdminRoutes.needsAdmin(request), !record.role.allows(.admin) {
            return AdminRoutes.error(.forbidden, "this route needs an admin token; \(record.name) has role \(record.role.rawValue)")
        }
        var context = context
        context.token = record
        return try await next(request, context)
    }
}

struct AdminRoutes: Sendable {
    let data: any AdminAPIData

    /// Routes that change something: an admin token only.
    static func needsAdmin(_ request: Request) -> Bool { request.method != .get }

    func register(on router: Router<AdminRequestContext>) {
        router.get("/metrics") { _, _ in
            Self.text(await data.metricsText(), type: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/api/v1/audit/records") { request, _ in
            await Self.guarded { Self.json(try await data.auditRecords(try Self.filters(request.uri.queryParameters))) }
        }
        router.get("/api/v1/audit/messages/{id}") { _, context in
            await Self.guarded {
                let id = context.parameters.get("id") ?? ""
                return Self.json(try await data.auditMessage(id))
            }
        }
        router.get("/api/v1/audit/summary") { request, _ in
            await Self.guarded {
                let q = request.uri.queryParameters
                guard let since = q["since"].map(String.init), !since.isEmpty else { throw InvalidInput("since is required") }
                return Self.json(try await data.auditSummary(since: since, until: q["until"].map(String.init), by: q["by"].map(String.init)))
            }
        }
        router.get("/api/v1/queue") { _, _ in await Self.guarded { Self.json(try await data.queueStatus()) } }
        router.get("/api/v1/queue/{id}/trace") { _, context in
            await Self.guarded {
                let text = context.parameters.get("id") ?? ""
                guard let id = QueueID(text) else { throw InvalidInput("not a queue ID: \(text)") }
                guard let trace = try await data.queueTrace(id) else {
                    return Self.error(.notFound, "\(id) is not in the queue (see /api/v1/audit/messages/\(id))")
                }
                return Self.json(trace)
            }
        }
        router.post("/api/v1/queue/flush") { _, context in
            await Self.guarded { Self.json(try await data.flushQueue(actor: "admin-api:\(context.token?.name ?? "?")")) }
        }
    }

    /// The query parameters as the CLI's filters (the same names, `_` for `-`); an unknown one is a 400.
    static func filters(_ q: Parameters) throws -> AuditFilters {
        var f = AuditFilters()
        let known = ["since", "until", "sender", "recipient", "domain", "queue_id", "message_id", "method", "outcome", "rule",
                     "tls_below", "unencrypted", "node"]
        for (key, _) in q where !known.contains(String(key)) {
            throw InvalidInput("unknown filter \(key); known: \(known.joined(separator: ", "))")
        }
        func v(_ k: String) -> String? { q[k[...]].map(String.init) }
        f.since = v("since"); f.until = v("until"); f.sender = v("sender"); f.recipient = v("recipient")
        f.domain = v("domain"); f.queueID = v("queue_id"); f.messageID = v("message_id"); f.method = v("method")
        f.outcome = v("outcome"); f.rule = v("rule"); f.tlsBelow = v("tls_below"); f.node = v("node")
        if let u = v("unencrypted") {
            switch u.lowercased() {
            case "", "true", "1", "yes": f.unencrypted = true
            case "false", "0", "no": f.unencrypted = false
            default: throw InvalidInput("unencrypted: '\(u)' is not true or false")
            }
        }
        return f
    }

    /// Bad input (a filter value, a date, an unknown ID) is a 400 with the CLI's message; anything else a 500.
    static func guarded(_ body: () async throws -> Response) async -> Response {
        do { return try await body() } catch let error as InvalidInput {
            // `audit message` of an ID with no records: the CLI's message, as a 404.
            if error.description.hasPrefix("no audit records") { return Self.error(.notFound, error.description) }
            return Self.error(.badRequest, error.description)
        } catch {
            return Self.error(.internalServerError, "\(error)")
        }
    }

    static func json(_ text: String) -> Response { Self.text(text, type: "application/json") }

    static func text(_ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String, challenge: Bool = false) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        if challenge { headers[.wwwAuthenticate] = "Bearer realm=\"sealgate\"" }
        let body = QueueReport.json(["error": message])
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// The admin API's HTTPS server did not start; the daemon does not start without it.
struct AdminStartError: Error, CustomStringConvertible {
    let address: String
    let detail: String?
    var description: String { "admin: cannot serve on \(address)" + (detail.map { ": \($0)" } ?? ": the server stopped before it was ready") }
}
