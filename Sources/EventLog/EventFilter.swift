/// Which events of the whole log a read, export or subscription wants. Every limit is inclusive.
public struct EventFilter: Sendable, Equatable {
    /// Only these event types (nil: all).
    public var types: Set<String>?
    /// Only streams of these categories (nil: all).
    public var categories: Set<String>?
    /// First position to read.
    public var fromPosition: UInt64 = 1
    /// Last position to read ("as of position P").
    public var toPosition: UInt64?
    /// Only events recorded at or after this time.
    public var recordedSince: Timestamp?
    /// Only events recorded at or before this time ("as the system knew it").
    public var recordedUntil: Timestamp?
    /// Only events that occurred at or after this time.
    public var occurredSince: Timestamp?
    /// Only events that occurred at or before this time ("as it happened").
    public var occurredUntil: Timestamp?

    public init(
        types: Set<String>? = nil, categories: Set<String>? = nil, fromPosition: UInt64 = 1, toPosition: UInt64? = nil,
        recordedSince: Timestamp? = nil, recordedUntil: Timestamp? = nil, occurredSince: Timestamp? = nil,
        occurredUntil: Timestamp? = nil
    ) {
        self.types = types
        self.categories = categories
        self.fromPosition = max(1, fromPosition)
        self.toPosition = toPosition
        self.recordedSince = recordedSince
        self.recordedUntil = recordedUntil
        self.occurredSince = occurredSince
        self.occurredUntil = occurredUntil
    }

    /// Whether `event` is one this filter selects (every limit and filter checked).
    public func admits(_ event: EventRecordView) -> Bool {
        let compiled = Compiled(self)
        return event.position >= fromPosition && !compiled.isPastEnd(event) && compiled.matches(event)
    }

    /// The filter's byte forms, prepared once per scan.
    struct Compiled {
        let types: [[UInt8]]?
        let categories: [[UInt8]]?
        // The limits, as plain values: reading them through a kept `EventFilter` copied (and
        // destroyed) the whole filter, its sets included, per record.
        let toPosition: UInt64?
        let recordedSince, recordedUntil, occurredSince, occurredUntil: Timestamp?

        init(_ filter: EventFilter) {
            types = filter.types.map { $0.sorted().map { Array($0.utf8) } }
            categories = filter.categories.map { $0.sorted().map { Array($0.utf8) } }
            toPosition = filter.toPosition
            (recordedSince, recordedUntil) = (filter.recordedSince, filter.recordedUntil)
            (occurredSince, occurredUntil) = (filter.occurredSince, filter.occurredUntil)
        }

        /// Whether the scan is over once `view` is reached (its recordedAt or position is past the limits;
        /// recordedAt never decreases along the log).
        @inline(__always)
        func isPastEnd(_ view: EventRecordView) -> Bool {
            if let to = toPosition, view.position > to { return true }
            if let until = recordedUntil, view.recordedAt > until { return true }
            return false
        }

        @inline(__always)
        func matches(_ view: EventRecordView) -> Bool {
            if let types {
                let t = view.typeBytes
                guard types.contains(where: { t.elementsEqual($0) }) else { return false }
            }
            if let categories {
                guard categories.contains(where: { view.hasCategory($0) }) else { return false }
            }
            if let since = recordedSince, view.recordedAt < since { return false }
            if occurredSince != nil || occurredUntil != nil {
                let o = view.occurredAt
                if let since = occurredSince, o < since { return false }
                if let until = occurredUntil, o > until { return false }
            }
            return true
        }
    }
}
