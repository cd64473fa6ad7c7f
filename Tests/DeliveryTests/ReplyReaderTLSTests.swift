// Tests for ReplyReader's handshake report: a TLS-level refusal (NIOSSL's handshakeFailed) is told
// apart from a hang-up, so the ladder counts only the first as the host's TLS shortfall.

import NIOCore
import NIOEmbedded
import NIOSSL
import XCTest
@testable import Delivery

final class ReplyReaderTLSTests: XCTestCase {
    func failure(after event: (EmbeddedChannel) -> Void) throws -> ConnectionFailure? {
        let reader = ReplyReader()
        let channel = EmbeddedChannel(handler: reader)
        let done = reader.awaitHandshake(loop: channel.eventLoop)
        event(channel)
        var caught: Error?
        done.whenFailure { caught = $0 }
        _ = try? channel.finish()
        return caught as? ConnectionFailure
    }

    func testAHandshakeRefusedByTheTLSLayerIsTLSRefused() throws {
        let why = try failure { $0.pipeline.fireErrorCaught(NIOSSLError.handshakeFailed(.sslError([]))) }
        guard case .tlsRefused? = why else { return XCTFail("expected tlsRefused, got \(String(describing: why))") }
    }

    func testAHangUpOrAnIOErrorMidHandshakeIsNotARefusal() throws {
        let closed = try failure { $0.pipeline.fireChannelInactive() }
        guard case .closed? = closed else { return XCTFail("expected closed, got \(String(describing: closed))") }
        let io = try failure { $0.pipeline.fireErrorCaught(ChannelError.ioOnClosedChannel) }
        guard case .io? = io else { return XCTFail("expected io, got \(String(describing: io))") }
        let other = try failure { $0.pipeline.fireErrorCaught(NIOSSLError.uncleanShutdown) }
        guard case .io? = other else { return XCTFail("an unclean shutdown is a hang-up, got \(String(describing: other))") }
    }
}
