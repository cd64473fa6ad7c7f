// UserRecord: what the rest of the gateway may know about a user: the name and the sender
// addresses they may use. The password hash never leaves the user store.
import MailCore

public struct UserRecord: Sendable, Equatable {
    public var name: String
    public var addresses: [MailAddress]

    public init(name: String, addresses: [MailAddress]) {
        self.name = name; self.addresses = addresses
    }
}
