// LiveInboundSettings: the inbound settings a reload can swap atomically. Each new connection
// takes a snapshot, so sessions in progress keep the certificate and policy they started with.

import NIOConcurrencyHelpers

public final class LiveInboundSettings: Sendable {
    private let box: NIOLockedValueBox<InboundSettings>

    public init(_ initial: InboundSettings) { box = NIOLockedValueBox(initial) }

    public var current: InboundSettings { box.withLockedValue { $0 } }

    public func replace(with settings: InboundSettings) { box.withLockedValue { $0 = settings } }
}
