/// A live subscription: the events that `filter` selects from `filter.fromPosition` on, first
/// those already in the log (catch-up), then each new one as it commits, in position order,
/// with no gap and no duplicate. It ends when the task is cancelled (or `toPosition` is passed).
///
/// New commits of this process wake it at once; commits of other processes are seen within
/// `pollInterval`.
public struct EventSubscription: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent

    let store: EventStore
    let filter: EventFilter
    let pollInterval: Duration
    let batchSize: Int

    public func makeAsyncIterator() -> Iterator {
        Iterator(store: store, filter: filter, pollInterval: pollInterval, batchSize: batchSize)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let store: EventStore
        var filter: EventFilter
        let pollInterval: Duration
        let batchSize: Int
        var buffer: [RecordedEvent] = []
        var index = 0

        init(store: EventStore, filter: EventFilter, pollInterval: Duration, batchSize: Int) {
            self.store = store
            self.filter = filter
            self.pollInterval = pollInterval
            self.batchSize = batchSize
        }

        public mutating func next() async throws -> RecordedEvent? {
            switch try await next(idleAfter: nil) {
            case .event(let e): return e
            case .idle, .end: return nil
            }
        }

        /// What `next(idleAfter:)` found.
        public enum Step: Sendable {
            case event(RecordedEvent)
            /// Nothing new for the idle time (a server may send a keep-alive and ask again).
            case idle
            /// The subscription ended (cancelled, or past its limits).
            case end
        }

        /// The next event, or `.idle` when none came for `idleAfter` (never, when nil).
        public mutating func next(idleAfter: Duration?) async throws -> Step {
            let deadline = idleAfter.map { ContinuousClock.now + $0 }
            while index >= buffer.count {
                if Task.isCancelled { return .end }
                if let to = filter.toPosition, filter.fromPosition > to { return .end }
                let seen = store.signal.current
                buffer.removeAll(keepingCapacity: true)
                index = 0
                var page: [RecordedEvent] = []
                let last = try store.forEachRecord(filter, limit: batchSize) { view in
                    page.append(view.decode())
                    return true
                }
                buffer = page
                if last >= filter.fromPosition { filter.fromPosition = last + 1 }
                if buffer.isEmpty {
                    if let until = filter.recordedUntil, Timestamp.now() > until,
                        (try store.head().position) < filter.fromPosition
                    {
                        return .end
                    }
                    if let deadline, ContinuousClock.now >= deadline { return .idle }
                    await store.signal.wait(after: seen, timeout: pollInterval)
                }
            }
            defer { index += 1 }
            return .event(buffer[index])
        }
    }
}

extension EventStore {
    /// Subscribes to the log from `filter.fromPosition` (see `EventSubscription`).
    public func subscribe(
        _ filter: EventFilter = EventFilter(), pollInterval: Duration = .milliseconds(50), batchSize: Int = 512
    ) -> EventSubscription {
        EventSubscription(store: self, filter: filter, pollInterval: pollInterval, batchSize: batchSize)
    }
}
