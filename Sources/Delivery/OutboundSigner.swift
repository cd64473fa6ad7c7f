// OutboundSigner: the last change to a message's bytes before they go on the wire (DKIM in the
// gateway). Applied once per transaction, after the 8BITMIME downgrade and before dot-stuffing.

import Foundation

/// Never throws: on a signing error the implementation logs and returns the message unsigned.
/// DKIM is not a security floor for PHI (TLS and encryption are); an unsigned message is still
/// delivered, as Postfix with an OpenDKIM milter does by default (accept on error).
public protocol OutboundSigner: Sendable {
    func sign(_ message: [UInt8], now: Date) -> [UInt8]
}
