// ClientNameLookup: how a session learns its client's name for the Received header. The Gateway
// supplies the DNS-backed implementation; SMTPServer itself asks no DNS questions.

import MailCore

public protocol ClientNameLookup: Sendable {
    /// The client's verified host name, or nil ("unknown"): no name, an unconfirmed one, or a failed lookup.
    func name(for address: IPAddress) async -> String?
}
