import Foundation

/// The relay's bookkeeping of asynchronous publishes: how many are in flight (bounded), the last
/// position JetStream confirmed, and the first failure since the last `reset`. Fed by the C
/// client's ack thread (`record`), awaited by the relay's tasks.
///
/// Contract: `acquire` admits a publish only while fewer than `limit` are in flight and no
/// failure is pending (it waits, without blocking a thread, otherwise); every admitted publish
/// must end in exactly one `record` or `abandon`. `waitUntilDrained` returns once nothing is in
/// flight; `waitForFailure` once a failure (or a fatal inconsistency) is recorded. Each wait has
/// one waiter at a time and also returns when its task is cancelled.
final class PublishWindow: @unchecked Sendable {
    let limit: Int
    private let lock = NSLock()
    private var inFlight = 0
    private var confirmed: UInt64 = 0
    private var failure: NATSError?
    private var fatal: String?
    private var spaceWaiter: CheckedContinuation<Void, Never>?
    private var drainWaiter: CheckedContinuation<Void, Never>?
    private var failureWaiter: CheckedContinuation<Void, Never>?

    init(limit: Int) { self.limit = max(1, limit) }

    /// The last position JetStream confirmed holding (its stream sequence).
    var confirmedPosition: UInt64 { lock.withLock { confirmed } }
    var pendingFailure: NATSError? { lock.withLock { failure } }
    var fatalError: String? { lock.withLock { fatal } }
    var publishesInFlight: Int { lock.withLock { inFlight } }

    /// Clears the failure after a resync at `position` (the stream's last sequence).
    func reset(confirmed position: UInt64) {
        lock.withLock {
            failure = nil
            confirmed = position
        }
    }

    /// Waits for room in the window; false when a failure is pending (publish nothing more).
    func acquire() async -> Bool {
        while true {
            if Task.isCancelled { return false }
            let admitted: Bool? = lock.withLock {
                if failure != nil || fatal != nil { return false }
                if inFlight < limit {
                    inFlight += 1
                    return true
                }
                return nil
            }
            if let admitted { return admitted }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    lock.lock()
                    if inFlight < limit || failure != nil || fatal != nil || Task.isCancelled {
                        lock.unlock()
                        c.resume()
                        return
                    }
                    spaceWaiter = c
                    lock.unlock()
                }
            } onCancel: {
                self.wake(\.spaceWaiter)
            }
        }
    }

    /// A publish that was admitted but could not be handed to the client.
    func abandon(_ error: NATSError) {
        finish { if failure == nil { failure = error } }
    }

    /// The outcome of one publish, from the C client's thread.
    func record(_ result: AsyncPublishResult) {
        finish {
            if let ack = result.ack {
                let position = (result.expectedLastSequence ?? 0) + 1
                if ack.sequence != position {
                    fatal = fatal ?? "JetStream acknowledged position \(position) at stream sequence \(ack.sequence)"
                        + (ack.duplicate ? " (as a duplicate)" : "") + ": the stream does not hold this log in order"
                }
                if ack.sequence > confirmed { confirmed = ack.sequence }
            } else if failure == nil {
                failure = result.error ?? NATSError(status: 1, message: "publish failed")
            }
        }
    }

    private func finish(_ body: () -> Void) {
        lock.lock()
        inFlight -= 1
        body()
        var resume: [CheckedContinuation<Void, Never>] = []
        // A waiting publisher is woken once a quarter of the window is free, not at every ack:
        // it then publishes a run of events instead of switching threads for each one.
        if inFlight <= limit - max(1, limit / 4) || failure != nil || fatal != nil, let c = spaceWaiter {
            spaceWaiter = nil
            resume.append(c)
        }
        if inFlight == 0, let c = drainWaiter {
            drainWaiter = nil
            resume.append(c)
        }
        if failure != nil || fatal != nil, let c = failureWaiter {
            failureWaiter = nil
            resume.append(c)
        }
        lock.unlock()
        for c in resume { c.resume() }
    }

    func waitUntilDrained() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                lock.lock()
                if inFlight == 0 || Task.isCancelled {
                    lock.unlock()
                    c.resume()
                    return
                }
                drainWaiter = c
                lock.unlock()
            }
        } onCancel: {
            self.wake(\.drainWaiter)
        }
    }

    func waitForFailure() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                lock.lock()
                if failure != nil || fatal != nil || Task.isCancelled {
                    lock.unlock()
                    c.resume()
                    return
                }
                failureWaiter = c
                lock.unlock()
            }
        } onCancel: {
            self.wake(\.failureWaiter)
        }
    }

    private func wake(_ slot: ReferenceWritableKeyPath<PublishWindow, CheckedContinuation<Void, Never>?>) {
        lock.lock()
        let c = self[keyPath: slot]
        self[keyPath: slot] = nil
        lock.unlock()
        c?.resume()
    }
}
