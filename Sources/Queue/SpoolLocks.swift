// SpoolLocks: the spool's in-process locking. Recovery excludes every other operation (a
// reader-writer lock); read-modify-write of one entry's states is serialised per queue ID (striped).

import Foundation
import MailCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class ReadWriteLock: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    init() {
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        pthread_rwlock_init(lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deinitialize(count: 1)
        lock.deallocate()
    }

    func shared<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    func exclusive<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}

/// A fixed set of mutexes; a queue ID always maps to the same one.
final class StripedLocks: @unchecked Sendable {
    private let locks: [NSLock]

    init(count: Int = 64) {
        locks = (0..<max(count, 1)).map { _ in NSLock() }
    }

    func withLock<T>(for id: QueueID, _ body: () throws -> T) rethrows -> T {
        // A stable hash (not Hasher, which is seeded per process) so the mapping is deterministic.
        let h = id.value.utf8.reduce(UInt32(2166136261)) { ($0 ^ UInt32($1)) &* 16777619 }
        let lock = locks[Int(h % UInt32(locks.count))]
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
