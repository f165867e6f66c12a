import Foundation
import Testing

@testable import EventLog

/// A rule: no stream may hold more than two events. It reads the log through the writer's transaction.
private final class AtMostTwoPerStream: AppendGuard, @unchecked Sendable {
    struct Look: Equatable {
        var headPosition: UInt64
        var headHash: EventHash?
        var scanned: UInt64
        var streamEvents: [String: Int]
        var versions: [String: UInt64] = [:]
        var foreignEvents = 0
    }

    private let lock = NSLock()
    private var looks: [Look] = []
    private var ended: [Bool] = []

    func check(_ request: AppendRequest, log: borrowing LogReader) throws {
        var look = Look(headPosition: log.headPosition, headHash: nil, scanned: 0, streamEvents: [:])
        look.headHash = try log.event(at: log.headPosition)?.hash
        try log.forEachRecord(after: 0) { _ in
            look.scanned += 1
            return true
        }
        var incoming: [String: UInt64] = [:]
        for e in request.events { incoming[e.stream, default: 0] += 1 }
        for (stream, n) in incoming.sorted(by: { $0.key < $1.key }) {
            var stored = 0
            try log.forEachStreamRecord(stream) { view in
                if view.stream != stream { look.foreignEvents += 1 }
                stored += 1
                return true
            }
            look.streamEvents[stream] = stored
            let version = try log.version(of: stream)
            look.versions[stream] = version
            if version + n > 2 {
                lock.withLock { looks.append(look) }
                throw EventLogError(
                    .ruleViolation, "stream: \(stream) is at version \(version) and may hold at most 2 events", field: "stream")
            }
        }
        lock.withLock { looks.append(look) }
    }

    func transactionEnded(committed: Bool) {
        lock.withLock { ended.append(committed) }
    }

    var record: (looks: [Look], ended: [Bool]) { lock.withLock { (looks, ended) } }
}

@Suite("AppendGuard")
struct AppendGuardTests {
    @Test("a guard sees the log inside the transaction, refuses a request that breaks its rule, and nothing of it is written")
    func guardRefuses() throws {
        let scratch = try ScratchLog("guard")
        let store = scratch.log
        try LogTest.append(store, "before-1")  // written before the guard exists
        let rule = AtMostTwoPerStream()
        store.appendGuard = rule

        let one = try LogTest.append(store, "lot-1")
        let two = try LogTest.append(store, "lot-1")
        #expect(two.version == 2)
        let refused = try LogTest.expectRefusal(store, .ruleViolation, field: "stream") {
            try LogTest.request(LogTest.event("lot-1"))
        }
        #expect(refused?.message.contains("lot-1") == true)
        let batch = try LogTest.expectRefusal(store, .ruleViolation, field: "stream") {
            try LogTest.request(LogTest.event("lot-2"), LogTest.event("lot-3"), LogTest.event("lot-2"), LogTest.event("lot-2"))
        }
        #expect(batch?.message.contains("lot-2") == true)
        #expect(try store.version(of: "lot-2") == 0)
        #expect(try store.version(of: "lot-3") == 0)
        let pair = try store.appendBlocking(LogTest.request(LogTest.event("lot-2"), LogTest.event("lot-3"), LogTest.event("lot-2")))
        #expect(pair.results.map(\.position) == [4, 5, 6])

        let record = rule.record
        #expect(record.ended == [true, true, false, false, true])
        #expect(record.looks.map(\.headPosition) == [1, 2, 3, 3, 3])
        #expect(record.looks.map(\.scanned) == [1, 2, 3, 3, 3])
        #expect(record.looks[1].headHash == one.hash)
        #expect(record.looks[2].headHash == two.hash)
        #expect(record.looks[2].streamEvents == ["lot-1": 2])
        #expect(record.looks[4].streamEvents == ["lot-2": 0, "lot-3": 0])
        for look in record.looks {
            #expect(look.foreignEvents == 0)
            #expect(look.versions == look.streamEvents.mapValues { UInt64($0) })
        }

        // Without the guard the rule no longer applies.
        store.appendGuard = nil
        #expect(try LogTest.append(store, "lot-1").version == 3)
        #expect(rule.record.ended.count == 5)
        try LogTest.expectWellFormed(store, count: 7)
    }

    @Test("a guard that throws something other than EventLogError still refuses cleanly")
    func guardThrowingOtherError() throws {
        final class Odd: AppendGuard, @unchecked Sendable {
            struct Nope: Error {}
            func check(_ request: AppendRequest, log: borrowing LogReader) throws { throw Nope() }
            func transactionEnded(committed: Bool) {}
        }
        let scratch = try ScratchLog("guard-odd")
        let store = scratch.log
        try LogTest.append(store, "a-1")
        store.appendGuard = Odd()
        let before = try store.stats()
        #expect(throws: EventLogError.self) { try LogTest.append(store, "a-1") }
        #expect(try store.stats() == before)
    }
}
