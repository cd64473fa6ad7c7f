// CommitSignal: how the spool sink wakes the queue manager, which is made after the sink (the
// portal's mailer needs the sink, and the manager's portal rung needs the portal).

import MailCore
import Synchronization

final class CommitSignal: Sendable {
    private let target = Mutex<(@Sendable (QueueID) -> Void)?>(nil)

    /// Where commits go from now on (the daemon connects the manager once it exists, before any listener starts).
    func connect(_ handler: @escaping @Sendable (QueueID) -> Void) { target.withLock { $0 = handler } }

    /// A message is committed. Before `connect` nothing is woken; the manager's start-up scan finds it.
    func fire(_ id: QueueID) { target.withLock { $0 }?(id) }
}
