import Foundation
public import ServiceLifecycle

/// The log and its views run as a service of a swift-service-lifecycle `ServiceGroup`.
///
/// `run()` folds the log into the rules' state and the views and keeps the views current
/// (`LumbungServices.start`), then holds everything open until the group shuts down gracefully
/// (on SIGTERM or SIGINT, say) or is cancelled, and then closes it (`LumbungServices.close`: the
/// projection engine stops, then the store). A group shuts its services down in the reverse
/// order of its list, each after the one behind it has returned: listed first, this service is
/// closed last, when the services after it (the HTTP application) no longer use the log.
///
/// `waitUntilStarted()` returns once the views are current, for a server that must not answer
/// from views still catching up.
public final class LumbungService: Service, Sendable {
    public let services: LumbungServices
    private let progress: (@Sendable (String, UInt64, UInt64) -> Void)?
    private let started = Latch()

    /// - Parameter progress: told (stage, done, total) while the views catch up with the log.
    public init(_ services: LumbungServices, progress: (@Sendable (String, UInt64, UInt64) -> Void)? = nil) {
        self.services = services
        self.progress = progress
    }

    public func run() async throws {
        defer { services.close() }
        do {
            try services.start(progress: progress)
        } catch {
            started.open(failed: true)
            throw error
        }
        started.open(failed: false)
        do {
            try await gracefulShutdown()
        } catch is CancellationError {
            // Cancelled (another service of the group failed): closed all the same.
        }
    }

    /// Returns once `run()` has made the views current; throws `CancellationError` when the
    /// task is cancelled first or when the start failed (`run()` throws its error).
    public func waitUntilStarted() async throws {
        try await started.wait()
    }
}

/// A one-time gate: `wait()` suspends until `open`, then returns (or throws
/// `CancellationError` when opened as failed, or when the waiting task is cancelled).
final class Latch: @unchecked Sendable {
    private enum State {
        case closed([UUID: CheckedContinuation<Void, any Error>])
        case open(failed: Bool)
    }

    private let lock = NSLock()
    private var state = State.closed([:])

    func open(failed: Bool) {
        let waiters: [CheckedContinuation<Void, any Error>] = lock.withLock {
            guard case .closed(let waiters) = state else { return [] }
            state = .open(failed: failed)
            return Array(waiters.values)
        }
        for w in waiters {
            if failed { w.resume(throwing: CancellationError()) } else { w.resume() }
        }
    }

    func wait() async throws {
        let id = UUID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let resume: Result<Void, any Error>? = lock.withLock {
                    switch state {
                    case .open(let failed):
                        return failed ? .failure(CancellationError()) : .success(())
                    case .closed(var waiters):
                        if Task.isCancelled { return .failure(CancellationError()) }
                        waiters[id] = c
                        state = .closed(waiters)
                        return nil
                    }
                }
                if let resume { c.resume(with: resume) }
            }
        } onCancel: {
            let waiter: CheckedContinuation<Void, any Error>? = lock.withLock {
                guard case .closed(var waiters) = state, let w = waiters.removeValue(forKey: id) else { return nil }
                state = .closed(waiters)
                return w
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
