import EventLog
import Foundation
import Synchronization
import Testing

@testable import Projections

@Suite("Read ahead (a rebuild's one scan of the log)")
struct ReadAheadTests {
    @Test("a view set lists its indexes once each, in increasing order, up to 63")
    func viewSet() {
        var set = ViewSet()
        #expect(set.isEmpty && Array(set).isEmpty)
        for i in [63, 5, 0, 5, 31] { set.insert(i) }
        #expect(Array(set) == [0, 5, 31, 63])
        #expect(!set.isEmpty)
    }

    /// Folds the types it is given; counts its `prepared` calls.
    final class Typed: Projector, @unchecked Sendable {
        let name: String
        let version = 1
        let eventTypes: Set<String>?
        var databases: [String] { ["types"] }
        let preparations = Mutex(0)
        init(_ name: String, _ types: Set<String>?) { (self.name, eventTypes) = (name, types) }
        func apply(_ event: RecordedEvent, to view: ViewWriter) throws {}
        func prepared(_ event: RecordedEvent, ahead: Bool) -> AnyObject? {
            preparations.withLock { $0 += 1 }
            return nil
        }
    }

    /// A log of `count` events whose types cycle through `a.one`, `a.two` and `b.other`.
    static func log(_ dir: ScratchDirectory, count: Int) throws -> EventStore {
        let store = try EventStore(dataDirectory: dir.path)
        let types = ["a.one", "a.two", "b.other"]
        for start in stride(from: 0, to: count, by: 500) {
            _ = try store.write(
                (start..<min(count, start + 500)).map { i in
                    try ProposedEvent(stream: "s-\(i % 11)", type: types[i % 3], data: Array(#"{"i":\#(i)}"#.utf8))
                })
        }
        return store
    }

    @Test(
        "every event some view folds is handed over once, in order, with its views, across many turns of the ring",
        arguments: [false, true])
    func inOrder(slowFolds: Bool) throws {
        let dir = ScratchDirectory()
        let count = ReadAhead.capacity * 3 + 17
        let store = try Self.log(dir, count: count)
        let projectors = [Typed("one", ["a.one"]), Typed("both", ["a.one", "a.two"])]
        let reader = ReadAhead(store: store, filter: EventFilter(fromPosition: 1, toPosition: UInt64(count)), projectors: projectors)
        defer { reader.finish() }
        var seen: [(UInt64, String, [Int])] = []
        try reader.forEach { event, targets, _ in
            // Folds slower than the scan fill the ring (the thread waits for room); fast folds
            // empty it (they wait for the thread).
            if slowFolds, event.position % 97 == 0 { usleep(1_000) }
            seen.append((event.position, event.type, Array(targets)))
        }
        let expected = (1...UInt64(count)).filter { ($0 - 1) % 3 != 2 }
        #expect(seen.map(\.0) == expected)
        for (position, type, targets) in seen {
            #expect(type == ((position - 1) % 3 == 0 ? "a.one" : "a.two"))
            #expect(targets == (type == "a.one" ? [0, 1] : [1]))
        }
        // Views that prepare apart: each prepares what it folds, at most once per event.
        #expect(projectors[0].preparations.withLock { $0 } <= expected.count / 2 + 1)
        #expect(projectors[1].preparations.withLock { $0 } <= expected.count)
    }

    @Test("a fold that throws stops the thread: the error reaches the caller and no event after it is handed over")
    func foldThrows() throws {
        struct Refused: Error {}
        let dir = ScratchDirectory()
        let store = try Self.log(dir, count: ReadAhead.capacity * 2)
        let reader = ReadAhead(
            store: store, filter: EventFilter(fromPosition: 1, toPosition: UInt64(ReadAhead.capacity * 2)),
            projectors: [Typed("all", nil)])
        var handed = 0
        #expect(throws: Refused.self) {
            try reader.forEach { event, _, _ in
                handed += 1
                if event.position == 1_000 { throw Refused() }
            }
        }
        reader.finish()
        reader.finish()  // once only
        #expect(handed == 1_000)
    }

    @Test("a filter that selects nothing any view folds ends at once")
    func nothingFolded() throws {
        let dir = ScratchDirectory()
        let store = try Self.log(dir, count: 300)
        let reader = ReadAhead(
            store: store, filter: EventFilter(fromPosition: 1, toPosition: 300), projectors: [Typed("none", ["c.absent"])])
        defer { reader.finish() }
        var handed = 0
        try reader.forEach { _, _, _ in handed += 1 }
        #expect(handed == 0)
    }

    @Test("a rebuild whose fold throws part way through a batch read ahead keeps the old copy, and a later rebuild succeeds")
    func rebuildFails() throws {
        struct Damaged: Error {}
        /// Counts like `CountingProjector`, failing at one position while `failAt` is set.
        final class Failing: Projector, @unchecked Sendable {
            let name = "test.counts"
            let version = 1
            let eventTypes: Set<String>? = nil
            var databases: [String] { ["types", "sums"] }
            let failAt = Mutex<UInt64?>(1_500)
            func apply(_ event: RecordedEvent, to view: ViewWriter) throws {
                if failAt.withLock({ $0 }) == event.position { throw Damaged() }
                try CountingProjector().apply(event, to: view)
            }
        }
        let dir = ScratchDirectory()
        let store = try EventStore(dataDirectory: dir.path)
        _ = try store.write((0..<100).map { j in try move("acct-\(j % 3)", j) })
        let failing = Failing()
        let engine = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [failing])
        failing.failAt.withLock { $0 = nil }
        try engine.catchUp()
        let before = try dump(engine, "test.counts", databases: ["types", "sums"])
        for i in 0..<30 { _ = try store.write((0..<100).map { j in try move("acct-\(j % 3)", i + j) }) }
        failing.failAt.withLock { $0 = 1_500 }
        #expect(throws: Damaged.self) { try engine.rebuild("test.counts") }
        #expect(try dump(engine, "test.counts", databases: ["types", "sums"]) == before)
        #expect(try engine.status().first?.generation == 1)
        failing.failAt.withLock { $0 = nil }
        try engine.rebuild("test.counts")
        #expect(try engine.status().first?.generation == 2)
        #expect(try engine.read { try $0.view("test.counts").value(Int.self, "types", "acct.moved") } == 3_100)
    }
}
