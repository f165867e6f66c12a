import Foundation

/// Wakes readers waiting for new commits. The writer of this process calls `notify()` after each
/// commit; waiters also wake after a timeout, so commits made by other processes are seen too.
final class CommitSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var generation: UInt64 = 0
    private var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiter: UInt64 = 0

    /// The number of notifications so far; pass it to `wait` to miss none.
    var current: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return generation
    }

    func notify() {
        lock.lock()
        generation &+= 1
        let woken = waiters
        waiters.removeAll()
        lock.unlock()
        for (_, c) in woken { c.resume() }
    }

    /// Returns when a commit happened after generation `seen`, or after `timeout`, or at once if
    /// one already did.
    func wait(after seen: UInt64, timeout: Duration) async {
        let id: UInt64 = lock.withLock {
            nextWaiter &+= 1
            return nextWaiter
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            lock.lock()
            if generation != seen {
                lock.unlock()
                c.resume()
                return
            }
            waiters[id] = c
            lock.unlock()
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                self?.resume(id)
            }
        }
    }

    private func resume(_ id: UInt64) {
        lock.lock()
        let c = waiters.removeValue(forKey: id)
        lock.unlock()
        c?.resume()
    }
}
