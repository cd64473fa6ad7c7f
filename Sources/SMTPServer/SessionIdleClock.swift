// SessionIdleClock: when an inbound session times out, as a value (no timers): the normal
// per-read timeouts, and Postfix's stress behaviour for untrusted sessions (a shorter timeout
// with a per-record deadline, so a line trickled a byte at a time cannot hold a slot).

import NIOCore

struct SessionIdleClock {
    struct Timeouts: Equatable {
        var command: Double
        var data: Double
        var stress: Double
    }

    let timeouts: Timeouts
    /// A trusted client or a listener that requires AUTH: stress mode does not shorten its time.
    let privileged: Bool
    /// When input last arrived, or the server last answered.
    private(set) var lastInput: NIODeadline
    /// When a line last completed (a line end arrived), or the server last answered.
    private(set) var lastRecord: NIODeadline

    init(timeouts: Timeouts, privileged: Bool, start: NIODeadline) {
        self.timeouts = timeouts; self.privileged = privileged
        lastInput = start; lastRecord = start
    }

    /// Input arrived (`recordCompleted`: it held a line end) or the server answered (pass true).
    mutating func progress(at now: NIODeadline, recordCompleted: Bool) {
        lastInput = now
        if recordCompleted { lastRecord = now }
    }

    /// Whether stress mode applies to this session's clock right now.
    func stressApplies(underStress: Bool) -> Bool { underStress && !privileged }

    /// Normally the command timeout (the data timeout from the 354 on, RFC 5321 §4.5.3.2) after
    /// the last input. Under stress, for an unprivileged session, also at most the stress timeout
    /// after the last complete line, in commands and DATA alike (Postfix:
    /// `smtpd_timeout = ${stress?10}{300}s`, `smtpd_per_record_deadline = ${stress?yes}{no}`).
    func deadline(receivingData: Bool, underStress: Bool) -> NIODeadline {
        let normal = lastInput + Self.amount(receivingData ? timeouts.data : timeouts.command)
        guard stressApplies(underStress: underStress) else { return normal }
        return min(normal, lastRecord + Self.amount(timeouts.stress))
    }

    /// When to look again: the deadline, or sooner for an unprivileged session while the gateway
    /// is not under stress, so that stress beginning reaches sessions already connected within
    /// one stress timeout.
    func nextCheck(now: NIODeadline, receivingData: Bool, underStress: Bool) -> NIODeadline {
        let d = deadline(receivingData: receivingData, underStress: underStress)
        guard !privileged, !underStress else { return d }
        return min(d, now + Self.amount(timeouts.stress))
    }

    static func amount(_ seconds: Double) -> TimeAmount { .milliseconds(Int64(seconds * 1000)) }
}
