// UserAuthenticator: answers the SMTP server's AUTH checks from the user store, on a thread pool
// because each check runs 600,000 PBKDF2 rounds.

import Logging
import MailCore
import NIOPosix
import SMTPProtocol
import SMTPServer

final class UserAuthenticator: Authenticator, @unchecked Sendable {
    private let users: any UserDirectory
    private let pool: NIOThreadPool
    private let logger: Logger

    init(users: any UserDirectory, pool: NIOThreadPool, logger: Logger) {
        self.users = users; self.pool = pool; self.logger = logger
    }

    func verify(username: String, password: String, client: String) async -> AuthResult {
        let users = self.users
        do {
            let record = try await pool.runIfActive { try users.verify(name: username, password: password) }
            guard let record else { return .failure }
            return .success(user: record.name, allowedSenders: record.addresses)
        } catch {
            logger.error("user store unavailable: \(error)")
            return .temporaryFailure
        }
    }
}
