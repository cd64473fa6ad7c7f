// PortalRequestBody: reads a request body up to a limit, refusing (413) as soon as the declared
// Content-Length or the bytes received pass it, so an oversized upload is never buffered whole.

import Hummingbird
import NIOCore

enum PortalRequestBody {
    /// The body's bytes; `PortalPickupError.tooLarge` once more than `limit` are declared or arrive.
    static func read(_ request: Request, limit: Int) async throws -> [UInt8] {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw PortalPickupError.tooLarge
        }
        var bytes: [UInt8] = []
        for try await buffer in request.body {
            guard bytes.count + buffer.readableBytes <= limit else { throw PortalPickupError.tooLarge }
            bytes += buffer.readableBytesView
        }
        return bytes
    }
}
