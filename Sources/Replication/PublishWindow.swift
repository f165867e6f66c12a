import Foundation

/// The relay's bookkeeping of asynchronous publishes: how many messages are in flight (bounded),
/// the last position JetStream confirmed, and the first failure since the last `reset`. Fed by
/// the C client's ack thread (`record`), awaited by the relay's tasks.
///
/// Messages go out in runs: every message of a run but the last is published without a PubAck,
/// the last with one (`Relay`'s contract says why its ack confirms the whole run). A run is
/// admitted, and counted in flight, as a whole.
///
/// Contract: `acquire` admits a run of `count` messages ending at a position only while no
/// failure is pending and the run fits in `limit` besides those in flight (a run is admitted
/// alone into an empty window whatever its size); it waits, without blocking a thread, otherwise.
/// Every admitted run must end in exactly one `record` (of its last message's outcome) or
/// `abandon`. `waitUntilDrained` returns once nothing is in flight; `waitForFailure` once a
/// failure (or a fatal inconsistency) is recorded. Each wait has one waiter at a time and also
/// returns when its task is cancelled.
final class PublishWindow: @unchecked Sendable {
    let limit: Int
    private let lock = NSLock()
    private var inFlight = 0
    /// The runs in flight: their last position and how many messages they hold.
    private var runs: [UInt64: Int] = [:]
    private var confirmed: UInt64 = 0
    private var failure: NATSError?
    private var fatal: String?
    private var spaceWaiter: CheckedContinuation<Void, Never>?
    private var drainWaiter: CheckedContinuation<Void, Never>?
    private var failureWaiter: CheckedContinuation<Void, Never>?

    /// Called (under the lock, on the ack thread) with how many positions an ack newly confirmed.
    private let onConfirmed: @Sendable (UInt64) -> Void

    init(limit: Int, onConfirmed: @escaping @Sendable (UInt64) -> Void = { _ in }) {
        self.limit = max(1, limit)
        self.onConfirmed = onConfirmed
    }

    /// The last position JetStream confirmed holding (its stream sequence).
    var confirmedPosition: UInt64 { lock.withLock { confirmed } }
    var pendingFailure: NATSError? { lock.withLock { failure } }
    var fatalError: String? { lock.withLock { fatal } }
    /// Messages published (or about to be) whose run's PubAck has not come back.
    var messagesInFlight: Int { lock.withLock { inFlight } }

    /// Clears the failure after a resync at `position` (the stream's last sequence).
    func reset(confirmed position: UInt64) {
        lock.withLock {
            failure = nil
            confirmed = position
        }
    }

    /// Waits for room for a run of `count` messages whose last is at `position`; false when a
    /// failure is pending (publish nothing more).
    func acquire(count: Int, endingAt position: UInt64) async -> Bool {
        precondition(count > 0, "a run holds at least one message")
        while true {
            if Task.isCancelled { return false }
            let admitted: Bool? = lock.withLock {
                if failure != nil || fatal != nil { return false }
                if fits(count) {
                    inFlight += count
                    runs[position] = count
                    return true
                }
                return nil
            }
            if let admitted { return admitted }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    lock.lock()
                    if fits(count) || failure != nil || fatal != nil || Task.isCancelled {
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

    /// Whether a run of `count` messages may go out now (call with `lock` held).
    private func fits(_ count: Int) -> Bool { inFlight == 0 || inFlight + count <= limit }

    /// A run that was admitted but could not be handed to the client whole (its last message
    /// was not published, so no outcome will come for it).
    func abandon(_ error: NATSError, endingAt position: UInt64) {
        finish(position) { if failure == nil { failure = error } }
    }

    /// The outcome of a run's last message, from the C client's thread.
    func record(_ result: AsyncPublishResult) {
        let position = (result.expectedLastSequence ?? 0) + 1
        finish(position) {
            if let ack = result.ack {
                if ack.sequence != position {
                    fatal =
                        fatal ?? "JetStream acknowledged position \(position) at stream sequence \(ack.sequence)"
                        + (ack.duplicate ? " (as a duplicate)" : "") + ": the stream does not hold this log in order"
                }
                if ack.sequence > confirmed {
                    onConfirmed(ack.sequence - confirmed)
                    confirmed = ack.sequence
                }
            } else if failure == nil {
                failure = result.error ?? NATSError(status: 1, message: "publish failed")
            }
        }
    }

    /// Releases the run ending at `position` (an outcome for a message that ends no run would
    /// be a bug: it releases nothing and is recorded as fatal).
    private func finish(_ position: UInt64, _ body: () -> Void) {
        lock.lock()
        if let count = runs.removeValue(forKey: position) {
            inFlight -= count
        } else {
            fatal = fatal ?? "an outcome for position \(position), which ends no run in flight"
        }
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
