// SpoolFreeSpace: the SMTP server's SpoolRoom over statvfs(3) of the spool's filesystem: a "yes"
// measured at most once a second, a "no" always measured afresh, so room that returns is seen at once.

import Foundation
import SMTPProtocol

#if canImport(Glibc)
import Glibc
#endif

final class SpoolFreeSpace: SpoolRoom, @unchecked Sendable {
    private let path: String
    /// `limits.spool_min_free`: free bytes always left over; MAIL FROM is refused below this.
    private let reserve: Int64
    private let measure: @Sendable (String) -> Int64?
    private let lock = NSLock()
    private var measured: (at: UInt64, free: Int64?) = (0, nil)

    /// `measure` answers the free bytes an unprivileged writer may use (nil: cannot tell).
    init(path: String, reserve: Int, measure: @escaping @Sendable (String) -> Int64? = SpoolFreeSpace.availableBytes) {
        self.path = path; self.reserve = Int64(reserve); self.measure = measure
    }

    /// Room when the free space stays above the reserve and is at least 1.5 times the declared size
    /// (Postfix's smtpd: `queue_minfree` and 1.5 × SIZE). A filesystem that cannot be measured is
    /// not refused here: the commit's own write errors still answer 452 4.3.1.
    func hasRoom(for bytes: Int) -> Bool {
        let declared = Int64(max(0, bytes))
        func fits(_ free: Int64?) -> Bool {
            guard let free else { return true }
            return free >= reserve && free >= declared + declared / 2
        }
        return fits(currentFree(fresh: false)) || fits(currentFree(fresh: true))
    }

    /// statvfs is cheap, but MAIL FROM runs on an event loop: a recent measurement serves a second.
    private func currentFree(fresh: Bool) -> Int64? {
        let now = DispatchTime.now().uptimeNanoseconds
        lock.lock(); defer { lock.unlock() }
        if fresh || measured.at == 0 || now &- measured.at >= 1_000_000_000 {
            measured = (now, measure(path))
        }
        return measured.free
    }

    @Sendable static func availableBytes(_ path: String) -> Int64? {
        var st = statvfs()
        guard statvfs(path, &st) == 0 else { return nil }
        return Int64(st.f_bavail) * Int64(st.f_frsize)
    }
}
