public import EventLog
import Foundation
import Synchronization

/// Decodes a rebuild's events ahead of its folds, on a thread of its own: for each event of the
/// pass (the same filter), the views that fold its type `prepare` it (their domain decodes it into
/// the typed form its views read, `DomainKit.DecodedEvents`), so that the folds, on the rebuild's
/// thread, find it decoded. A rebuild uses both cores of a small machine this way.
///
/// Contract: it only ever calls `prepare`, which touches no view, so the views come out the same
/// whatever it manages to do. It stays at most `window` positions ahead of the folds (the memo
/// keeps a few thousand), skips events the folds have passed, and stops at `finish()`.
final class ReadAhead: Sendable {
    private let folded = Atomic<UInt64>(0)
    private let stopped = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let joined = Mutex(false)
    let window: UInt64

    /// Starts decoding the events `filter` selects, for `projectors` (with the types each folds).
    init(store: EventStore, filter: EventFilter, projectors: [any Projector], window: UInt64 = 2048) {
        self.window = window
        let wanted = projectors.map(\.eventTypes)
        let groups = projectors.map(\.preparation)
        Thread.detachNewThread { [self] in
            defer { finished.signal() }
            // An event is prepared once for the views that prepare the same (one domain's).
            var routes = Routes(wanted, distinctBy: groups)
            try? store.forEachRecord(filter) { view in
                while true {
                    if stopped.load(ordering: .relaxed) { return false }
                    let folded = folded.load(ordering: .acquiring)
                    if view.position <= folded { return true }  // the folds are past it
                    if view.position <= folded + window { break }
                    usleep(100)
                }
                let targets = routes.views(folding: view)
                guard !targets.isEmpty else { return true }
                let event = view.decode()
                for i in targets { projectors[i].prepare(event) }
                return true
            }
        }
    }

    /// The folds have reached `position`.
    func fold(reached position: UInt64) { folded.store(position, ordering: .releasing) }

    /// Stops and waits for the thread to end (once; later calls return at once).
    func finish() {
        stopped.store(true, ordering: .relaxed)
        joined.withLock { joined in
            guard !joined else { return }
            finished.wait()
            joined = true
        }
    }
}
