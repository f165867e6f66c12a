import Foundation
import Testing

@testable import EventLog

@Suite("Live subscriptions")
struct SubscriptionTests {
    @Test("started mid-log while writers append, a subscription sees every event from P on exactly once, in order")
    func catchUpThenLive() async throws {
        let scratch = try ScratchLog("subscription")
        let store = scratch.log
        for i in 0..<100 { try LogTest.append(store, "early-\(i % 7)", data: #"{"i":\#(i)}"#) }
        let from: UInt64 = 40
        let writers = 4
        let perWriter = 60
        let last = UInt64(100 + writers * perWriter)

        let subscription = store.subscribe(EventFilter(fromPosition: from), batchSize: 16)
        let collector = Task { () throws -> [RecordedEvent] in
            var seen: [RecordedEvent] = []
            for try await event in subscription {
                seen.append(event)
                if event.position >= last { break }
            }
            return seen
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    for k in 0..<perWriter {
                        // Single events and small batches, to several streams.
                        if k % 10 == 0 {
                            _ = try await store.append(
                                LogTest.request(
                                    LogTest.event("live-\(w)", data: #"{"w":\#(w),"k":\#(k)}"#),
                                    LogTest.event("live-\(w)", data: #"{"w":\#(w),"k":\#(k + 1000)}"#)))
                        } else if k % 10 != 1 {
                            _ = try await store.append(LogTest.request(LogTest.event("live-\(w)", data: #"{"w":\#(w),"k":\#(k)}"#)))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try store.head().position == last)
        let seen = try await LogTest.withDeadline(seconds: 300) { try await collector.value }
        collector.cancel()
        let events = try #require(seen)
        #expect(events.map(\.position) == (from...last).map { $0 })
        #expect(try events == store.readAll(EventFilter(fromPosition: from), limit: .max))
    }

    @Test("a subscription with a type filter and an end position delivers only those, then ends")
    func filteredAndBounded() async throws {
        let scratch = try ScratchLog("subscription-filter")
        let store = scratch.log
        for i in 0..<30 {
            try LogTest.append(store, "mix-\(i % 3)", i % 3 == 0 ? "test.wanted" : "test.other", data: #"{"i":\#(i)}"#)
        }
        let subscription = store.subscribe(EventFilter(types: ["test.wanted"], fromPosition: 5, toPosition: 25), batchSize: 3)
        let seen = try await LogTest.withDeadline(seconds: 300) { () async throws -> [UInt64] in
            var positions: [UInt64] = []
            for try await event in subscription { positions.append(event.position) }
            return positions
        }
        #expect(seen == [7, 10, 13, 16, 19, 22, 25])
    }

    @Test("a subscription waiting at the head wakes for the next commit")
    func waitsForNewCommits() async throws {
        let scratch = try ScratchLog("subscription-wait")
        let store = scratch.log
        try LogTest.append(store, "a-1")
        // Long poll interval: only the commit signal can wake it in reasonable time; the deadline only guards against hanging.
        let subscription = store.subscribe(EventFilter(fromPosition: 2), pollInterval: .seconds(3600))
        let collector = Task { () throws -> [UInt64] in
            var positions: [UInt64] = []
            for try await event in subscription {
                positions.append(event.position)
                if positions.count == 3 { break }
            }
            return positions
        }
        for _ in 0..<3 {
            try await Task.sleep(for: .milliseconds(20))
            _ = try await store.append(LogTest.request(LogTest.event("a-1")))
        }
        let seen = try await LogTest.withDeadline(seconds: 300) { try await collector.value }
        collector.cancel()
        #expect(seen == [2, 3, 4])
    }
}
