// PortalRequestContext: the per-request context of the portal's routes: Hummingbird's core storage
// and the client's IP address (for rate limits and audit; never logged with a path).

import Hummingbird
import NIOCore

public struct PortalRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address as text ("unknown" when the channel has none, as in router tests).
    public let client: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        client = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}
