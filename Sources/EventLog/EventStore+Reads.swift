import LMDB

extension EventStore {
    /// Records read per read transaction: reads never hold a snapshot for long, so the writer can
    /// reuse pages, and memory stays constant.
    static let recordsPerTransaction = 8192

    /// The most types a filter may name for `forEachRecord` to walk (and merge) their indexes
    /// instead of scanning the log (a filter of many types selects most of it, which a scan reads
    /// faster).
    static let indexedTypesAtMost = 8

    /// Visits the events of the whole log that `filter` selects, in position order, in place
    /// (no copy), until `body` returns false. Reads in chunks of short read transactions; constant memory.
    /// Returns the last position scanned (matching or not).
    @discardableResult
    public func forEachRecord(
        _ filter: EventFilter = EventFilter(), limit: Int? = nil, _ body: (EventRecordView) throws -> Bool
    ) throws -> UInt64 {
        let compiled = EventFilter.Compiled(filter)
        let scan = ScanProgress(next: filter.fromPosition, remaining: limit ?? Int.max)
        // Up to `indexedTypesAtMost` types: walk each one's index and merge the positions instead
        // of the whole log, so that a scan of rare types (the API keys' events, on every server's
        // first authenticated request) costs what they hold, not the log's size.
        let typePrefixes: [[UInt8]]? = filter.types.flatMap {
            (1...Self.indexedTypesAtMost).contains($0.count) ? $0.sorted().map { Array($0.utf8) + [0] } : nil
        }
        while scan.remaining > 0 {
            scan.scanned = 0
            scan.done = true
            /// Visits one record; false ends this transaction's chunk (or the whole scan).
            func visit(_ view: EventRecordView) throws -> Bool {
                if compiled.isPastEnd(view) { return false }
                scan.lastScanned = view.position
                scan.next = view.position + 1
                if compiled.matches(view) {
                    scan.remaining -= 1
                    guard try body(view), scan.remaining > 0 else { return false }
                }
                scan.scanned += 1
                if scan.scanned >= Self.recordsPerTransaction {
                    scan.done = false
                    return false
                }
                return true
            }
            try environment.read { txn in
                if let typePrefixes {
                    // Up to a chunk of positions of each type; past the lowest last position of a
                    // type cut at a chunk, another type's positions may be missing: the next
                    // transaction starts after it. (One type: its positions in order.)
                    var positions: [UInt64] = []
                    var bound = UInt64.max
                    for prefix in typePrefixes {
                        var taken = 0
                        try dbs.types.forEachRaw(in: txn, from: prefix + bigEndian(scan.next), prefix: prefix) { key, _ in
                            let position = UInt64(bigEndian: key.loadUnaligned(fromByteOffset: key.count - 8, as: UInt64.self))
                            if let to = filter.toPosition, position > to { return false }
                            positions.append(position)
                            taken += 1
                            guard taken < Self.recordsPerTransaction else {
                                bound = min(bound, position)
                                return false
                            }
                            return true
                        }
                    }
                    positions.sort()
                    let events = try dbs.events.cursor(in: txn)
                    for position in positions where position <= bound {
                        guard let entry = try events.seek(exactly: bigEndian(position)) else {
                            throw EventLogError(.corrupt, "the type index names position \(position), which is missing", position: position)
                        }
                        guard try visit(try EventRecordView(position: position, raw: entry.value)) else { return }
                    }
                    if bound != .max {
                        scan.next = bound + 1
                        scan.done = false
                    }
                } else {
                    try dbs.events.forEachRaw(in: txn, from: bigEndian(scan.next)) { key, value in
                        let position = UInt64(bigEndian: key.loadUnaligned(as: UInt64.self))
                        return try visit(try EventRecordView(position: position, raw: value))
                    }
                }
            }
            if scan.done { break }
        }
        return scan.lastScanned
    }

    /// Where a `forEachRecord` is: read and set by its visit of each record, in single statements
    /// on the scanning thread (captured variables were checked for overlapping access per
    /// statement, five times per event of every scan: unchecked here).
    private final class ScanProgress {
        @exclusivity(unchecked) var next: UInt64
        @exclusivity(unchecked) var remaining: Int
        @exclusivity(unchecked) var lastScanned: UInt64
        /// Records visited in the current read transaction, and whether the scan ended in it.
        @exclusivity(unchecked) var scanned = 0
        @exclusivity(unchecked) var done = true

        init(next: UInt64, remaining: Int) {
            (self.next, self.remaining, lastScanned) = (next, remaining, next - 1)
        }
    }

    /// The events of the whole log that `filter` selects, copied, at most `limit`.
    public func readAll(_ filter: EventFilter = EventFilter(), limit: Int = 1000) throws -> [RecordedEvent] {
        var out: [RecordedEvent] = []
        try forEachRecord(filter, limit: limit) { view in
            out.append(view.decode())
            return true
        }
        return out
    }

    /// Direction of a stream read.
    public enum ReadDirection: Sendable { case forward, backward }

    /// Visits the events of `stream` from version `from` (forward: the first version >= it;
    /// backward: the last <= it; nil: the start or the end), until `body` returns false or
    /// `limit` events were visited. Constant memory.
    public func forEachStreamRecord(
        _ stream: String, from version: UInt64? = nil, direction: ReadDirection = .forward, limit: Int? = nil,
        _ body: (EventRecordView) throws -> Bool
    ) throws {
        let prefix = Array(stream.utf8) + [0]
        var remaining = limit ?? Int.max
        var start: [UInt8]? = version.map { LogDatabases.streamKey(stream, version: $0) }
        if start == nil && direction == .forward { start = LogDatabases.streamKey(stream, version: 1) }
        while remaining > 0 {
            var scanned = 0
            var nextVersion: UInt64? = nil
            try environment.read { txn in
                let events = try dbs.events.cursor(in: txn)
                try dbs.streams.forEachRaw(
                    in: txn, from: start, direction: direction == .forward ? .forward : .backward, prefix: prefix
                ) { key, value in
                    let position = try UInt64BE.decode(value)
                    let v = UInt64(bigEndian: key.loadUnaligned(fromByteOffset: key.count - 8, as: UInt64.self))
                    guard let entry = try events.seek(exactly: bigEndian(position)) else {
                        throw EventLogError(
                            .corrupt, "stream \(stream) version \(v) names position \(position), which is missing", position: position)
                    }
                    remaining -= 1
                    guard try body(try EventRecordView(position: position, raw: entry.value)), remaining > 0 else { return false }
                    scanned += 1
                    if scanned >= Self.recordsPerTransaction {
                        nextVersion = direction == .forward ? v + 1 : (v > 1 ? v - 1 : nil)
                        return false
                    }
                    return true
                }
            }
            guard let nv = nextVersion else { break }
            start = LogDatabases.streamKey(stream, version: nv)
        }
    }

    /// The events of `stream`, copied, at most `limit`.
    public func readStream(
        _ stream: String, from version: UInt64? = nil, direction: ReadDirection = .forward, limit: Int = 1000
    ) throws -> [RecordedEvent] {
        var out: [RecordedEvent] = []
        try forEachStreamRecord(stream, from: version, direction: direction, limit: limit) { view in
            out.append(view.decode())
            return true
        }
        return out
    }
}

@inline(__always)
func bigEndian(_ value: UInt64) -> [UInt8] {
    withUnsafeBytes(of: value.bigEndian) { [UInt8]($0) }
}
