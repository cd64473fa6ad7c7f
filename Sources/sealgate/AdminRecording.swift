// Records a change a CLI command made (keys, users) as an admin event, through the daemon when it
// runs; a change that could not be audited is said on standard error and exits 1 (it still stands).

import ArgumentParser
import Foundation
import Gateway

/// Runs one of `AdminAudit`'s records (`{ $0.userRemoved(name) }`) for this user.
func recordAdminChange(_ config: GatewayConfig, _ record: (AdminAudit) -> AdminAuditOutcome) throws {
    switch record(AdminAudit(config: config, actor: QueueCommand.actor)) {
    case .recorded(let note):
        if let note { FileHandle.standardError.write(Data((note + "\n").utf8)) }
    case .notRecorded(let error):
        printError("the change was made but not audited: \(error)")
        throw ExitCode(1)
    }
}
