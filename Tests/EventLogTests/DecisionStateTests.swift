import Foundation
import Testing

@testable import EventLog

/// A rule kept as persisted decision state: a stream holds at most two events, counted in
/// `decisions` (key "count/<stream>", one byte), never folded from the log.
private final class PersistedCount: AppendGuard, @unchecked Sendable {
    static func key(_ stream: String) -> [UInt8] { Array("count/\(stream)".utf8) }

    func check(_ request: AppendRequest, log: borrowing LogReader) throws {
        for event in request.events {
            let count = try log.decision(Self.key(event.stream))?.first ?? 0
            // The state is written before the refusal: a refused request must still leave nothing.
            try log.setDecision(Self.key(event.stream), to: [count + 1])
            if count + 1 > 2 {
                throw EventLogError(.ruleViolation, "stream: \(event.stream) may hold at most 2 events", field: "stream")
            }
        }
    }

    func transactionEnded(committed: Bool) {}
}

@Suite("Decision state")
struct DecisionStateTests {
    private func counts(_ store: EventStore, _ streams: [String]) throws -> [String: UInt8] {
        try store.readDecisions { reader in
            var out: [String: UInt8] = [:]
            for s in streams { out[s] = try reader.decision(PersistedCount.key(s))?.first ?? 0 }
            return out
        }
    }

    @Test("a guard's decision writes are committed with the request's events and undone with a refused request")
    func committedAndUndone() throws {
        let scratch = try ScratchLog("decisions")
        let store = scratch.log
        store.appendGuard = PersistedCount()
        try LogTest.append(store, "a")
        try LogTest.append(store, "a")
        #expect(try counts(store, ["a", "b"]) == ["a": 2, "b": 0])

        // Refused alone: the whole transaction aborts, the count written in check is gone.
        try LogTest.expectRefusal(store, .ruleViolation, field: "stream") { try LogTest.request(LogTest.event("a")) }
        #expect(try counts(store, ["a"]) == ["a": 2])

        // A group of three: the refused middle request is undone by its nested transaction,
        // the others keep their state.
        let outcomes = store.commit([
            try LogTest.request(LogTest.event("b")),
            try LogTest.request(LogTest.event("c"), LogTest.event("c"), LogTest.event("c")),
            try LogTest.request(LogTest.event("c"), LogTest.event("b")),
        ])
        #expect(outcomes.map { (try? $0.get()) != nil } == [true, false, true])
        #expect(try counts(store, ["a", "b", "c"]) == ["a": 2, "b": 2, "c": 1])
        try store.readDecisions { reader in #expect(reader.headPosition == 5) }
    }

    @Test("the decision state survives closing and reopening the log")
    func persisted() throws {
        let scratch = try ScratchLog("decisions-reopen")
        scratch.log.appendGuard = PersistedCount()
        try LogTest.append(scratch.log, "a")
        try scratch.reopen()
        #expect(try counts(scratch.log, ["a"]) == ["a": 1])
    }
}

/// `PersistedCount` that declares its state kept in the log.
private final class KeptCount: AppendGuard, @unchecked Sendable {
    let inner = PersistedCount()
    var keepsDecisionState: Bool { true }
    func check(_ request: AppendRequest, log: borrowing LogReader) throws { try inner.check(request, log: log) }
    func transactionEnded(committed: Bool) {}
}

@Suite("Decision state position")
struct DecisionStatePositionTests {
    private func positions(_ store: EventStore) throws -> (head: UInt64, state: UInt64) {
        try store.readDecisions { ($0.headPosition, $0.statePosition) }
    }

    @Test("the state's position follows the head while a keeping guard writes, and stays behind writes made without it")
    func position() throws {
        let scratch = try ScratchLog("decisions-position")
        let store = scratch.log
        try LogTest.append(store, "a")  // an older log: no state
        #expect(try positions(store) == (1, 0))
        store.appendGuard = PersistedCount()  // keeps no declared state: no position recorded
        try LogTest.append(store, "b")
        #expect(try positions(store) == (2, 0))
        store.appendGuard = KeptCount()
        try LogTest.append(store, "c")
        try LogTest.append(store, "c")
        #expect(try positions(store) == (4, 4))
        try LogTest.expectRefusal(store, .ruleViolation, field: "stream") { try LogTest.request(LogTest.event("c")) }
        #expect(try positions(store) == (4, 4))
        store.appendGuard = nil
        try LogTest.append(store, "d")
        #expect(try positions(store) == (5, 4))
    }

    @Test("a guard's decision write that fills the map grows it and is written, alone and in a group")
    func decisionWriteGrowsTheMap() throws {
        var options = EventStore.Options()
        options.mapSize = 256 << 10
        let scratch = try ScratchLog("decisions-mapfull", options: options)
        let store = scratch.log
        store.appendGuard = BulkyDecision()
        let initial = store.environment.mapSize
        for i in 0..<8 { try LogTest.append(store, "s-\(i)") }
        let outcomes = store.commit(try (8..<12).map { try LogTest.request(LogTest.event("s-\($0)")) })
        #expect(outcomes.allSatisfy { (try? $0.get()) != nil })
        #expect(store.environment.mapSize > initial, "the map never grew: the test did not fill it")
        let sizes = try store.readDecisions { reader in try (0..<12).map { try reader.decision(BulkyDecision.key("s-\($0)"))?.count } }
        #expect(sizes == Array(repeating: BulkyDecision.size, count: 12))
    }
}

/// A guard that writes 64 KiB of decision state per event (enough to fill a small map).
private final class BulkyDecision: AppendGuard, @unchecked Sendable {
    static let size = 64 << 10
    static func key(_ stream: String) -> [UInt8] { Array("bulk/\(stream)".utf8) }

    func check(_ request: AppendRequest, log: borrowing LogReader) throws {
        for event in request.events { try log.setDecision(Self.key(event.stream), to: [UInt8](repeating: 7, count: Self.size)) }
    }

    func transactionEnded(committed: Bool) {}
}
