import Foundation
import Testing

@testable import EventLog

/// Every refusal names its field and leaves the log exactly as it was (same stats, same head hash).
@Suite("Refusals: bad input and conflicts write nothing")
struct RefusalTests {
    let scratch: ScratchLog
    var store: EventStore { scratch.log }

    /// A log with stream `order-1` at version 2 and `order-2` at version 1.
    init() throws {
        scratch = try ScratchLog("refusals")
        try LogTest.append(scratch.log, "order-1", data: #"{"n":1}"#)
        try LogTest.append(scratch.log, "order-1", data: #"{"n":2}"#)
        try LogTest.append(scratch.log, "order-2", data: #"{"n":3}"#)
    }

    @Test("expected versions: no-stream, exists, exact; the error carries the actual version")
    func expectedVersionConflicts() throws {
        let noStream = try LogTest.expectRefusal(store, .wrongExpectedVersion, field: "expectedVersion") {
            try LogTest.request(LogTest.event("order-1", expected: .noStream))
        }
        #expect(noStream?.actualVersion == 2)
        #expect(noStream?.message.contains("order-1") == true)
        let exists = try LogTest.expectRefusal(store, .wrongExpectedVersion, field: "expectedVersion") {
            try LogTest.request(LogTest.event("order-9", expected: .exists))
        }
        #expect(exists?.actualVersion == 0)
        let exactLow = try LogTest.expectRefusal(store, .wrongExpectedVersion, field: "expectedVersion") {
            try LogTest.request(LogTest.event("order-1", expected: .exact(1)))
        }
        #expect(exactLow?.actualVersion == 2)
        let exactHigh = try LogTest.expectRefusal(store, .wrongExpectedVersion, field: "expectedVersion") {
            try LogTest.request(LogTest.event("order-2", expected: .exact(5)))
        }
        #expect(exactHigh?.actualVersion == 1)
        let exactZero = try LogTest.expectRefusal(store, .wrongExpectedVersion, field: "expectedVersion") {
            try LogTest.request(LogTest.event("order-2", expected: .exact(0)))
        }
        #expect(exactZero?.actualVersion == 1)
        // Within one batch, the second event of a stream sees the first one's version.
        let inBatch = try LogTest.expectRefusal(store, .wrongExpectedVersion, field: "expectedVersion") {
            try LogTest.request(LogTest.event("order-3", expected: .noStream), LogTest.event("order-3", expected: .noStream))
        }
        #expect(inBatch?.actualVersion == 1)

        // And each kind admits what it should.
        #expect(try LogTest.append(store, "order-1", expected: .exact(2)).version == 3)
        #expect(try LogTest.append(store, "order-1", expected: .exists).version == 4)
        #expect(try LogTest.append(store, "order-4", expected: .noStream).version == 1)
        #expect(try LogTest.append(store, "order-5", expected: .exact(0)).version == 1)
        #expect(try LogTest.append(store, "order-1", expected: .any).version == 5)
        try LogTest.expectWellFormed(store, count: 8)
    }

    @Test("an id already in the log with other content is a conflict")
    func duplicateIDOtherContent() throws {
        let id = EventID.random()
        let original = try LogTest.append(store, "order-7", data: #"{"qty":5}"#, id: id)
        for build in [
            { try LogTest.request(LogTest.event("order-7", data: #"{"qty":6}"#, id: id)) },
            { try LogTest.request(LogTest.event("order-8", data: #"{"qty":5}"#, id: id)) },
            { try LogTest.request(LogTest.event("order-7", "test.other", data: #"{"qty":5}"#, id: id)) },
        ] as [() throws -> AppendRequest] {
            let error = try LogTest.expectRefusal(store, .duplicateIDConflict, field: "id", build)
            #expect(error?.message.contains(id.description) == true)
            #expect(error?.message.contains("position \(original.position)") == true)
        }
    }

    @Test("the same ids with the same content return the original results, marked duplicate, and write nothing")
    func idempotentRetry() throws {
        let ids = [EventID.random(), EventID.random(), EventID.random()]
        let batch = try LogTest.request(
            LogTest.event("order-1", data: #"{"x":1}"#, id: ids[0], expected: .exact(2)),
            LogTest.event("cart-1", data: #"{"x":2}"#, id: ids[1], expected: .noStream),
            LogTest.event("order-1", data: #"{"x":3}"#, id: ids[2]))
        let first = try store.appendBlocking(batch)
        #expect(!first.duplicate)
        #expect(first.results.map(\.position) == [4, 5, 6])
        let before = try store.stats()
        // The expected versions no longer hold, but a retry is recognised by its ids first.
        let again = try store.appendBlocking(batch)
        #expect(again.duplicate)
        #expect(again.results == first.results)
        // The retry may be formatted differently: the canonical data is what counts.
        let reformatted = try store.appendBlocking(
            LogTest.request(
                LogTest.event("order-1", data: #"{ "x" : 1.0 }"#, id: ids[0], expected: .exact(2))))
        #expect(reformatted.duplicate)
        #expect(reformatted.results == [first.results[0]])
        #expect(try store.stats() == before)
        try LogTest.expectWellFormed(store, count: 6)
    }

    @Test("a batch mixing ids already in the log with new ones is refused whole")
    func mixedKnownAndNewIDs() throws {
        let known = EventID.random()
        try LogTest.append(store, "order-1", data: #"{"x":1}"#, id: known)
        let error = try LogTest.expectRefusal(store, .duplicateIDConflict, field: "id") {
            try LogTest.request(
                LogTest.event("order-1", data: #"{"x":1}"#, id: known), LogTest.event("order-1", data: #"{"x":2}"#, id: EventID.random()))
        }
        #expect(error?.message.contains(known.description) == true)
        let reversed = try LogTest.expectRefusal(store, .duplicateIDConflict, field: "id") {
            try LogTest.request(
                LogTest.event("order-1", data: #"{"x":2}"#), LogTest.event("order-1", data: #"{"x":1}"#, id: known))
        }
        #expect(reversed?.message.contains(known.description) == true)
    }

    @Test("the same new id twice in one batch is refused whole")
    func sameIDTwiceInBatch() throws {
        let id = EventID.random()
        let error = try LogTest.expectRefusal(store, .duplicateIDConflict, field: "id") {
            try LogTest.request(
                LogTest.event("order-3", data: #"{"x":1}"#, id: id), LogTest.event("order-4", data: #"{"y":1}"#),
                LogTest.event("order-3", data: #"{"x":1}"#, id: id))
        }
        #expect(error?.message.contains("more than once") == true)
        #expect(try store.position(of: id) == nil)
        #expect(try store.version(of: "order-4") == 0)
    }

    @Test(
        "stream names: empty, leading '-', a bad character, 201 bytes",
        arguments: [
            "", "-donation", "donation 1", "donation/1", "donasi-é", "a\"b", String(repeating: "s", count: 201),
        ])
    func badStreamNames(_ stream: String) throws {
        try LogTest.expectRefusal(store, .invalidInput, field: "stream") {
            try LogTest.request(LogTest.event(stream))
        }
    }

    @Test("stream names at the limits are accepted")
    func goodStreamNames() throws {
        for stream in [String(repeating: "s", count: 200), "a", "x-", "Mixed.Case_1:2-3"] {
            #expect(try LogTest.append(store, stream).version == 1)
        }
    }

    @Test(
        "types: upper case, no dot, two dots, bad kebab, 101 bytes",
        arguments: [
            "", "Aid.donation-received", "aid.Donation", "aiddonation", "aid.donation.received", "aid.-x", "aid.x-", "aid.a--b",
            "aid_x.y", ".x", "aid.", "a." + String(repeating: "b", count: 99),
        ])
    func badTypes(_ type: String) throws {
        try LogTest.expectRefusal(store, .invalidInput, field: "type") {
            try LogTest.request(LogTest.event("order-1", type))
        }
    }

    @Test("a type of exactly 100 bytes is accepted")
    func longestType() throws {
        let type = "a." + String(repeating: "b", count: 98)
        #expect(type.utf8.count == 100)
        #expect(try LogTest.append(store, "order-1", type).version == 3)
    }

    @Test("data over 1 MiB is tooLarge, as text and as canonical form")
    func dataTooLarge() throws {
        let big = #"{"s":""# + String(repeating: "x", count: 1 << 20) + #""}"#
        try LogTest.expectRefusal(store, .tooLarge, field: "data") {
            try LogTest.request(LogTest.event("order-1", data: big))
        }
        // Text under the limit whose canonical form is over it: JCS writes 1e15 as 1000000000000000.
        let grows = #"{"a":["# + Array(repeating: "1e15", count: 100_000).joined(separator: ",") + "]}"
        #expect(grows.utf8.count < 1 << 20)
        let error = try LogTest.expectRefusal(store, .tooLarge, field: "data") {
            try LogTest.request(LogTest.event("order-1", data: grows))
        }
        #expect(error?.message.contains("1700") == true)  // 1,700,007 canonical bytes
        // Just under the limit is fine.
        let fits = #"{"s":""# + String(repeating: "x", count: (1 << 20) - 8) + #""}"#
        #expect(fits.utf8.count == 1 << 20)
        #expect(try LogTest.append(store, "order-big", data: fits).version == 1)
    }

    @Test("a batch of more than 10,000 events is tooLarge")
    func batchTooLarge() throws {
        let one = try LogTest.event("bulk-1")
        let error = try LogTest.expectRefusal(store, .tooLarge, field: "events") {
            try AppendRequest(events: Array(repeating: one, count: 10_001), actor: LogTest.actor)
        }
        #expect(error?.message.contains("10001") == true)
        try LogTest.expectRefusal(store, .invalidInput, field: "events") {
            try AppendRequest(events: [], actor: LogTest.actor)
        }
        let outcome = try store.appendBlocking(AppendRequest(events: Array(repeating: one, count: 10_000), actor: LogTest.actor))
        #expect(outcome.results.count == 10_000)
        #expect(outcome.lastPosition == 10_003)
    }

    @Test(
        "data that is not JSON or has forbidden numbers is invalidInput naming data (or the path in it)",
        arguments: [
            #"{"a":}"#, #"{"a":1,}"#, "{", #"{"a":1} x"#, #"{'a':1}"#, #"{"a":1,"a":2}"#, #"{"a":NaN}"#, #"{"a":01}"#,
            #"{"price":1.23456}"#, #"{"big":1e300}"#, #"{"n":9007199254740993}"#, #"{"n":-9007199254740992}"#, #"{"t":1e-7}"#,
            #"{"deep":{"x":[1,2,{"p":0.00001}]}}"#,
        ])
    func invalidData(_ data: String) throws {
        let error = try LogTest.expectRefusal(store, .invalidInput, field: "data") {
            try LogTest.request(LogTest.event("order-1", data: data))
        }
        #expect(error?.message.hasPrefix("data: ") == true)
    }

    @Test("forbidden numbers are named with their path")
    func numberPaths() throws {
        let error = try LogTest.expectRefusal(store, .invalidInput, field: "data") {
            try LogTest.request(LogTest.event("order-1", data: #"{"items":[{"price":11750.25},{"price":1.23456}]}"#))
        }
        #expect(error?.field == "data.items[1].price")
        #expect(error?.message.contains("$.items[1].price") == true)
        #expect(error?.message.contains("1.23456") == true)
    }

    @Test("invalid UTF-8 in data is refused")
    func invalidUTF8() throws {
        for bytes: [UInt8] in [
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D],  // {"a":"\xFF"}
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x22, 0x7D],  // truncated sequence
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D],  // encoded surrogate
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC0, 0xAF, 0x22, 0x7D],  // overlong '/'
        ] {
            try LogTest.expectRefusal(store, .invalidInput, field: "data") {
                try LogTest.request(ProposedEvent(stream: "order-1", type: "test.happened", data: bytes))
            }
        }
    }

    @Test("data must be a JSON object", arguments: ["[1,2]", #""text""#, "3", "null", "true", "[]"])
    func dataNotAnObject(_ data: String) throws {
        try LogTest.expectRefusal(store, .invalidInput, field: "data") {
            try LogTest.request(LogTest.event("order-1", data: data))
        }
    }

    @Test("metadata must be a JSON object within the number policy")
    func badMetadata() throws {
        for metadata in ["[1]", "{", #"{"n":1.23456}"#] {
            try LogTest.expectRefusal(store, .invalidInput, field: "metadata") {
                try LogTest.request(LogTest.event("order-1", metadata: metadata))
            }
        }
    }

    @Test("a multi-stream batch with one wrong expected version (third stream) writes nothing")
    func atomicMultiStreamBatch() throws {
        let error = try LogTest.expectRefusal(store, .wrongExpectedVersion, field: "expectedVersion") {
            try LogTest.request(
                LogTest.event("order-1", expected: .exact(2)), LogTest.event("order-2", expected: .exact(1)),
                LogTest.event("order-6", expected: .exists), LogTest.event("order-7", expected: .noStream))
        }
        #expect(error?.message.contains("order-6") == true)
        #expect(error?.actualVersion == 0)
        #expect(try store.version(of: "order-1") == 2)
        #expect(try store.version(of: "order-2") == 1)
        #expect(try store.version(of: "order-7") == 0)
        // A bad event further down (an invalid id reuse) refuses the whole batch too.
        let first = try LogTest.append(store, "order-5")
        try LogTest.expectRefusal(store, .duplicateIDConflict, field: "id") {
            try LogTest.request(
                LogTest.event("order-1", expected: .exact(2)), LogTest.event("order-2", expected: .exact(1)),
                LogTest.event("order-8", data: #"{"other":true}"#, id: first.id))
        }
        try LogTest.expectWellFormed(store, count: 4)
    }
}
