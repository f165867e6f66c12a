import EventLog
import Foundation

/// Folds the views (`ProjectionEngine.catchUp`) on a thread of its own until `stop`, which waits
/// for the fold in progress and rethrows the first error the fold met: for a writer of many
/// events (`lumbung seed`) to have its views folded beside its writes, on another core. The log
/// and the views are separate LMDB environments with a writer each, and a fold reads the log in
/// snapshots, so the two never wait for each other. After `stop`, the views may lag the head: a
/// last `catchUp` folds the rest.
public final class BackgroundViewFolder: @unchecked Sendable {
    private let engine: ProjectionEngine
    private let lock = NSLock()
    private var stopping = false
    private var failure: (any Error)?
    private let finished = DispatchSemaphore(value: 0)

    /// Starts folding; `batchSize` becomes the engine's `batchSize` (events per write transaction).
    public init(_ engine: ProjectionEngine, batchSize: Int) {
        self.engine = engine
        engine.batchSize = batchSize
        let thread = Thread { [self] in run() }
        thread.name = "seed-views"
        thread.start()
    }

    private func run() {
        defer { finished.signal() }
        while !lock.withLock({ stopping }) {
            do {
                let head = try engine.store.head().position
                if try engine.checkpoint() >= head {
                    Thread.sleep(forTimeInterval: 0.05)  // caught up: wait for more events
                } else {
                    try engine.catchUp(to: head)
                }
            } catch {
                lock.withLock { failure = error }
                return
            }
        }
    }

    /// Ends the folding; throws what made it fail, if anything.
    public func stop() throws {
        lock.withLock { stopping = true }
        finished.wait()
        if let failure = lock.withLock({ failure }) { throw failure }
    }
}
