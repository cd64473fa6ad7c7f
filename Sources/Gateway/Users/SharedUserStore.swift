// SharedUserStore: the AUTH users in the shared store (`shared_store`), hashed here as in the users
// file; read through on every check, so a user added on one node authenticates on every node at once.
import MailCore
import SharedStore

final class SharedUserStore: UserDirectory, @unchecked Sendable {
    private let rows: PostgresUserRows
    /// Where bad rows are said to be, in errors.
    private let label: String

    init(rows: PostgresUserRows, label: String) {
        self.rows = rows; self.label = label
    }

    func add(name: String, password: String, addresses: [MailAddress]) throws {
        try UserStore.validate(name: name)
        guard !password.isEmpty else { throw UserStoreError.emptyPassword }
        try rows.upsert(SharedUserRow(name: name, passwordHash: try PasswordHash.make(password: password),
                                      addresses: addresses.map(\.description)))
    }

    func remove(name: String) throws -> Bool { try rows.delete(name: name) }

    func list() throws -> [UserRecord] {
        try rows.all().map { UserRecord(name: $0.name, addresses: try addresses(of: $0)) }
    }

    func verify(name: String, password: String) throws -> UserRecord? {
        guard let row = try rows.find(name: name) else {
            try PasswordHash.dummyVerify(password: password)
            return nil
        }
        guard try PasswordHash.verify(password: password, encoded: row.passwordHash) else { return nil }
        return UserRecord(name: row.name, addresses: try addresses(of: row))
    }

    private func addresses(of row: SharedUserRow) throws -> [MailAddress] {
        try UserFile.addresses(of: UserFile.Entry(name: row.name, password: row.passwordHash, addresses: row.addresses),
                               path: label)
    }
}
