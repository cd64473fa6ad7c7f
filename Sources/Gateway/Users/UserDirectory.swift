// UserDirectory: what AUTH and `sealgate user add|remove|list` ask of the users, kept in the 0600
// users file (UserStore) or shared by several nodes on PostgreSQL (SharedUserStore).
import MailCore

public protocol UserDirectory: Sendable {
    func add(name: String, password: String, addresses: [MailAddress]) throws
    /// False when there was no such user.
    func remove(name: String) throws -> Bool
    func list() throws -> [UserRecord]
    /// The user's record when the password matches, else nil; slow on purpose (PBKDF2): off the event loop.
    func verify(name: String, password: String) throws -> UserRecord?
}
