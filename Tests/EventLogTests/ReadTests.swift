import Foundation
import Testing

@testable import EventLog

@Suite("Reads: streams, the whole log, filters, as-of limits")
struct ReadTests {
    static let streams = ["donation-D1", "shipment-S1", "price-P1"]
    static let types = ["aid.donation-received", "aid.shipment-dispatched", "prices.price-reported"]

    let scratch: ScratchLog
    var store: EventStore { scratch.log }
    /// recordedAt of the first batch (12 events); the second batch (9) and third (2) are recorded later.
    let firstBatchRecordedAt: Timestamp
    let all: [RecordedEvent]

    /// 12 + 9 events interleaving three streams (occurredAt 2018-08-01, -02, ...), then 2 events of
    /// `donation-D10` (occurredAt defaulted). The batches are recorded at distinct milliseconds.
    init() throws {
        scratch = try ScratchLog("reads")
        let store = scratch.log
        func batch(_ range: Range<Int>) throws -> AppendOutcome {
            try store.appendBlocking(
                LogTest.request(
                    range.map { i in
                        try LogTest.event(
                            Self.streams[i % 3], Self.types[i % 3], data: #"{"i":\#(i)}"#,
                            occurredAt: Timestamp(String(format: "2018-08-%02dT06:00:00+08:00", i + 1)))
                    }))
        }
        let first = try batch(0..<12)
        firstBatchRecordedAt = first.results[0].recordedAt
        Self.waitForClock(after: firstBatchRecordedAt)
        let second = try batch(12..<21)
        Self.waitForClock(after: second.results[0].recordedAt)
        _ = try store.appendBlocking(
            LogTest.request(
                LogTest.event("donation-D10", "aid.donation-received", data: #"{"i":21}"#),
                LogTest.event("donation-D10", "aid.donation-received", data: #"{"i":22}"#)))
        all = try store.readAll(limit: .max)
    }

    /// Waits (without deciding anything) until the clock has passed `t`, so the next commit is later.
    static func waitForClock(after t: Timestamp) {
        while Timestamp.now() <= t { usleep(200) }
    }

    private func index(_ e: RecordedEvent) -> Int { try! e.dataValue()["i"]!.intValue! }

    @Test("the log as built: 23 events, well formed")
    func setup() throws {
        #expect(all.count == 23)
        #expect(all.map(index) == Array(0..<23))
        #expect(all[11].recordedAt == firstBatchRecordedAt)
        #expect(all[12].recordedAt > firstBatchRecordedAt)
        try LogTest.expectWellFormed(store, count: 23)
    }

    @Test("a stream forward and backward, from a version, with a limit")
    func streamReads() throws {
        let d1 = try store.readStream("donation-D1")
        #expect(d1.map(\.version) == Array(1...7))
        #expect(d1.map(\.position) == [1, 4, 7, 10, 13, 16, 19])
        #expect(d1.allSatisfy { $0.stream == "donation-D1" })
        #expect(try store.readStream("donation-D1", from: 3, limit: 2).map(\.version) == [3, 4])
        #expect(try store.readStream("donation-D1", from: 6).map(\.version) == [6, 7])
        #expect(try store.readStream("donation-D1", from: 8).isEmpty)
        #expect(try store.readStream("donation-D1", from: 4, direction: .backward, limit: 3).map(\.version) == [4, 3, 2])
        #expect(try store.readStream("donation-D1", direction: .backward, limit: 2).map(\.version) == [7, 6])
        #expect(try store.readStream("donation-D1", from: 100, direction: .backward).map(\.version) == [7, 6, 5, 4, 3, 2, 1])
        #expect(try store.readStream("donation-D1", from: 1, direction: .backward).map(\.version) == [1])
        #expect(try store.readStream("donation-D1", limit: 0).isEmpty)
        // A stream whose name extends another's is a different stream.
        #expect(try store.readStream("donation-D10").map(\.position) == [22, 23])
        #expect(try store.readStream("donation-D10", direction: .backward).map(\.version) == [2, 1])
        #expect(try store.readStream("donation-D").isEmpty)
        #expect(try store.readStream("nobody-1", direction: .backward).isEmpty)
        // The events read are the events of the log.
        #expect(d1 == all.filter { $0.stream == "donation-D1" })
    }

    @Test("the whole log from a position, with a limit")
    func readAllFromPosition() throws {
        #expect(try store.readAll(EventFilter(fromPosition: 20)).map(\.position) == [20, 21, 22, 23])
        #expect(try store.readAll(EventFilter(fromPosition: 24)).isEmpty)
        #expect(try store.readAll(limit: 5) == Array(all.prefix(5)))
        #expect(try store.readAll(EventFilter(fromPosition: 3), limit: 2).map(\.position) == [3, 4])
        #expect(try store.readAll(EventFilter(fromPosition: 0)).count == 23)
    }

    @Test("type filter (one type walks the type index; a few merge their indexes), from a position, with a limit")
    func typeFilter() throws {
        for type in Self.types + ["aid.unknown"] {
            let expected = all.filter { $0.type == type }
            #expect(try store.readAll(EventFilter(types: [type])) == expected)
            #expect(try store.readAll(EventFilter(types: [type], fromPosition: 8)) == expected.filter { $0.position >= 8 })
            #expect(try store.readAll(EventFilter(types: [type]), limit: 2) == Array(expected.prefix(2)))
        }
        #expect(try store.readAll(EventFilter(types: ["aid.donation-received"])).count == 9)
        let two: Set<String> = ["aid.shipment-dispatched", "prices.price-reported"]
        #expect(try store.readAll(EventFilter(types: two)) == all.filter { two.contains($0.type) })
        // The type index agrees with the log for a type also used by the later batch.
        #expect(try store.readAll(EventFilter(types: ["aid.donation-received"], fromPosition: 20)).map(\.position) == [22, 23])
    }

    @Test("category filter: the text before the first '-'")
    func categoryFilter() throws {
        #expect(try store.readAll(EventFilter(categories: ["donation"])) == all.filter { $0.stream.hasPrefix("donation-") })
        #expect(try store.readAll(EventFilter(categories: ["donation"])).count == 9)
        #expect(try store.readAll(EventFilter(categories: ["price", "shipment"])).count == 14)
        #expect(try store.readAll(EventFilter(categories: ["donat"])).isEmpty)
        #expect(try store.readAll(EventFilter(categories: ["donation-D1"])).isEmpty)
        #expect(try store.readAll(EventFilter(types: ["aid.donation-received"], categories: ["shipment"])).isEmpty)
        #expect(all.filter { $0.category == "donation" }.count == 9)
    }

    @Test("as of a position, of recordedAt, of occurredAt")
    func asOfLimits() throws {
        #expect(try store.readAll(EventFilter(toPosition: 10)) == Array(all.prefix(10)))
        #expect(try store.readAll(EventFilter(fromPosition: 5, toPosition: 6)).map(\.position) == [5, 6])
        #expect(try store.readAll(EventFilter(types: ["aid.shipment-dispatched"], toPosition: 10)).map(\.position) == [2, 5, 8])

        // As the system knew it at the first batch's commit: exactly the first batch.
        let known = try store.readAll(EventFilter(recordedUntil: firstBatchRecordedAt))
        #expect(known == Array(all.prefix(12)))
        #expect(
            try store.readAll(EventFilter(types: ["prices.price-reported"], recordedUntil: firstBatchRecordedAt)).map(\.position) == [
                3, 6, 9, 12,
            ])
        #expect(
            try store.readAll(EventFilter(recordedUntil: Timestamp(millisecondsSince1970: firstBatchRecordedAt.millisecondsSince1970 - 1)))
                .isEmpty)
        #expect(try store.readAll(EventFilter(recordedSince: all[12].recordedAt)) == Array(all.suffix(11)))

        // As it happened: occurredAt up to 2018-08-05T06:00+08:00 (events 0...4).
        let until = try #require(Timestamp("2018-08-04T22:00:00Z"))
        #expect(try store.readAll(EventFilter(occurredUntil: until)).map(\.position) == [1, 2, 3, 4, 5])
        #expect(try store.readAll(EventFilter(types: ["aid.donation-received"], occurredUntil: until)).map(\.position) == [1, 4])
        let since = try #require(Timestamp("2018-08-19T00:00:00Z"))
        // Events 19, 20 (occurred 08-19T22:00Z, 08-20T22:00Z) and the two of D10 (occurred when recorded).
        #expect(try store.readAll(EventFilter(occurredSince: since)).map(\.position) == [20, 21, 22, 23])
        #expect(all[21].occurredAt == all[21].recordedAt)
    }

    @Test("forEachRecord visits in place, stops when asked, and reports the last position scanned")
    func forEachRecord() throws {
        var seen: [UInt64] = []
        let last = try store.forEachRecord(EventFilter(types: ["aid.shipment-dispatched"])) { view in
            seen.append(view.position)
            return view.position < 8
        }
        #expect(seen == [2, 5, 8])
        #expect(last == 8)
        var count = 0
        let end = try store.forEachRecord(EventFilter(categories: ["price"], toPosition: 15)) { view in
            #expect(view.stream == "price-P1")
            count += 1
            return true
        }
        #expect(count == 5)
        #expect(end == 15)
    }

    @Test("decode(into:) makes the same event as decode(), reusing what it can, never changing a copy held elsewhere")
    func decodeInto() throws {
        var reused = try #require(try store.readAll(EventFilter(fromPosition: 1, toPosition: 1)).first)
        var kept: [RecordedEvent] = []
        var decoded: [RecordedEvent] = []
        try store.forEachRecord(EventFilter()) { view in
            view.decode(into: &reused)
            #expect(reused == view.decode())
            decoded.append(view.decode())
            // Every other event is held on to (its arrays and strings then have two holders).
            if view.position % 2 == 0 { kept.append(reused) }
            return true
        }
        #expect(decoded.count > 20)
        #expect(Set(decoded.map(\.type)).count >= 3)
        #expect(Set(decoded.map(\.stream)).count >= 3)
        // The copies held are still the events they were copied from.
        #expect(kept == decoded.filter { $0.position % 2 == 0 })
    }
}

@Suite("Reads across many read transactions")
struct ChunkedReadTests {
    @Test("reads of more than 8192 events (several read transactions) return everything, in order")
    func longReads() throws {
        #expect(EventStore.recordsPerTransaction == 8192)
        let scratch = try ScratchLog("chunked")
        let store = scratch.log
        let total = 20_000
        for start in stride(from: 0, to: total, by: 5000) {
            let events = try (start..<(start + 5000)).map { k in
                try LogTest.event("big-\(k % 2)", k % 2 == 0 ? "test.even" : "test.odd", data: #"{"k":\#(k)}"#)
            }
            _ = try store.appendBlocking(LogTest.request(events))
        }
        let all = try store.readAll(limit: .max)
        #expect(all.count == total)
        #expect(all.map(\.position) == (1...UInt64(total)).map { $0 })
        var mismatched = 0
        for e in all {
            if try e.dataValue()["k"]?.intValue != Int(e.position) - 1 { mismatched += 1 }
        }
        #expect(mismatched == 0)

        // Through the type index: 10,000 positions of one type.
        var evens: [UInt64] = []
        let last = try store.forEachRecord(EventFilter(types: ["test.even"])) { view in
            evens.append(view.position)
            return true
        }
        #expect(evens == stride(from: 1, to: UInt64(total), by: 2).map { $0 })
        #expect(last == UInt64(total - 1))
        // With a starting position and an end inside the second chunk.
        let window = try store.readAll(EventFilter(types: ["test.odd"], fromPosition: 8000, toPosition: 17_000), limit: .max)
        #expect(window.map(\.position) == stride(from: 8000, through: 17_000, by: 2).map { UInt64($0) })
        // Both types: their indexes merged, in position order across chunk boundaries (each type
        // is cut at a chunk of 8,192), from a position, to one, and with a limit.
        var both: [UInt64] = []
        try store.forEachRecord(EventFilter(types: ["test.even", "test.odd"])) { view in
            both.append(view.position)
            return true
        }
        #expect(both == (1...UInt64(total)).map { $0 })
        let bothWindow = try store.readAll(
            EventFilter(types: ["test.odd", "test.even"], fromPosition: 7000, toPosition: 19_001), limit: .max)
        #expect(bothWindow.map(\.position) == (7000...19_001).map { UInt64($0) })
        #expect(
            try store.readAll(EventFilter(types: ["test.odd", "test.even", "test.none"], fromPosition: 100), limit: 12_000).map(\.position)
                == (100..<12_100).map { UInt64($0) })
        // A category over the whole log, and a limit past the first chunk.
        #expect(try store.readAll(EventFilter(categories: ["big"]), limit: 9000).count == 9000)

        // One stream of 10,000 versions, forward and backward.
        let stream = try store.readStream("big-1", limit: .max)
        #expect(stream.map(\.version) == (1...UInt64(total / 2)).map { $0 })
        #expect(stream.map(\.position) == stride(from: 2, through: UInt64(total), by: 2).map { $0 })
        let backward = try store.readStream("big-1", direction: .backward, limit: .max)
        #expect(backward.map(\.version) == (1...UInt64(total / 2)).reversed().map { $0 })
        let middle = try store.readStream("big-0", from: 9000, direction: .backward, limit: 8500)
        #expect(middle.first?.version == 9000)
        #expect(middle.last?.version == 501)
        #expect(middle.count == 8500)

        let report = try store.verify()
        #expect(report.ok)
        #expect(report.events == UInt64(total))
    }
}
