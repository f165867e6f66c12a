import Foundation
import JSON
import Testing

@testable import EventLog

@Suite("Appends: positions, versions, hash chain, envelope")
struct AppendTests {
    @Test("positions run 1...N, versions are gapless per stream, each prevHash is the previous hash, verify is ok")
    func positionsVersionsChain() throws {
        let scratch = try ScratchLog()
        let store = scratch.log
        #expect(try store.head().position == 0)
        #expect(try store.head().hash == .zero)
        let streams = ["donation-DN-1", "shipment-SH-1", "donation-DN-2"]
        var results: [AppendResult] = []
        for i in 0..<30 {
            results.append(try LogTest.append(store, streams[i % 3], "aid.donation-received", data: #"{"n":\#(i)}"#))
        }
        // A batch over two streams.
        let batch = try store.appendBlocking(
            LogTest.request(
                try LogTest.event("donation-DN-1", data: #"{"b":1}"#), try LogTest.event("warehouse-W-1", data: #"{"b":2}"#),
                try LogTest.event("donation-DN-1", data: #"{"b":3}"#)))
        results += batch.results
        #expect(!batch.duplicate)
        #expect(results.map(\.position) == (1...33).map { UInt64($0) })
        #expect(batch.results.map(\.version) == [11, 1, 12])
        #expect(batch.lastPosition == 33)
        #expect(results[0].version == 1 && results[1].version == 1 && results[3].version == 2)
        try LogTest.expectWellFormed(store, count: 33)

        let events = try LogTest.all(store)
        #expect(events[0].prevHash == .zero)
        #expect(events[0].prevHash.description == String(repeating: "0", count: 64))
        for (e, r) in zip(events, results) {
            #expect(e.position == r.position)
            #expect(e.version == r.version)
            #expect(e.id == r.id)
            #expect(e.hash == r.hash)
            #expect(e.recordedAt == r.recordedAt)
        }
        let head = try store.head()
        #expect(head.position == 33)
        #expect(head.hash == events.last!.hash)
        #expect(try store.version(of: "donation-DN-1") == 12)
        #expect(try store.version(of: "nobody-here") == 0)
        #expect(try store.event(at: 17) == events[16])
        #expect(try store.event(at: 34) == nil)
        #expect(try store.position(of: events[20].id) == 21)
        #expect(try store.position(of: EventID.random()) == nil)

        // The same after closing and reopening.
        try scratch.reopen()
        try LogTest.expectWellFormed(scratch.log, count: 33)
        let next = try LogTest.append(scratch.log, "donation-DN-2")
        #expect(next.position == 34)
        #expect(next.version == 11)
        #expect(try scratch.log.event(at: 34)?.prevHash == head.hash)
    }

    @Test("the hash is SHA-256 of the JCS event without hash, with keys in RFC 8785 order")
    func hashCoversCanonicalForm() throws {
        let scratch = try ScratchLog()
        let id = EventID("6F1C8A9E-2D5B-4C61-9A0E-3B7F5D2C1E44")!
        let occurred = Timestamp("2018-08-06T02:13:00.000Z")!
        let result = try scratch.log.appendBlocking(
            LogTest.request(
                try LogTest.event(
                    "donation-DN-2018-0001", "aid.donation-received", data: #"{ "z": 1, "a": [ 11750.25, -3 ], "é": "ü" }"#,
                    id: id, occurredAt: occurred, metadata: #"{"correlationId":"c-1"}"#))
        ).results[0]
        let e = try #require(try scratch.log.event(at: 1))
        let canonical = String(decoding: e.canonicalBytesWithoutHash, as: UTF8.self)
        let expected =
            #"{"data":{"a":[11750.25,-3],"z":1,"é":"ü"},"id":"6f1c8a9e-2d5b-4c61-9a0e-3b7f5d2c1e44","#
            + #""metadata":{"actor":"test-actor","correlationId":"c-1"},"occurredAt":"2018-08-06T02:13:00.000Z","#
            + #""position":1,"prevHash":"0000000000000000000000000000000000000000000000000000000000000000","#
            + #""recordedAt":"\#(e.recordedAt)","stream":"donation-DN-2018-0001","type":"aid.donation-received","version":1}"#
        #expect(canonical == expected)
        #expect(EventHash.sha256(Array(expected.utf8)) == result.hash)
        // The JSON line has DESIGN's field order.
        let line = String(decoding: e.json, as: UTF8.self)
        #expect(
            line.hasPrefix(
                #"{"position":1,"stream":"donation-DN-2018-0001","version":1,"id":"6f1c8a9e-2d5b-4c61-9a0e-3b7f5d2c1e44","type":"aid.donation-received","occurredAt":"2018-08-06T02:13:00.000Z","recordedAt":""#
            ))
        #expect(line.hasSuffix(#","hash":"\#(result.hash)"}"#))
        let parsed = try JSONParser.parse(e.json)
        #expect(
            parsed.objectValue?.map(\.key) == [
                "position", "stream", "version", "id", "type", "occurredAt", "recordedAt", "metadata", "data", "prevHash", "hash",
            ])
    }

    @Test("recordedAt never decreases along the log, and occurredAt defaults to it")
    func timestamps() throws {
        let scratch = try ScratchLog()
        let store = scratch.log
        let start = Timestamp.now()
        let given = Timestamp("2018-07-29T06:47:00+08:00")!
        for i in 0..<40 {
            try LogTest.append(store, "report-\(i % 4)", occurredAt: i % 5 == 0 ? given : nil)
        }
        let end = Timestamp.now()
        let events = try LogTest.all(store)
        for (i, e) in events.enumerated() {
            #expect(e.recordedAt >= start && e.recordedAt <= end)
            if i > 0 { #expect(e.recordedAt >= events[i - 1].recordedAt) }
            if i % 5 == 0 {
                #expect(e.occurredAt == given)
                #expect(e.occurredAt.description == "2018-07-28T22:47:00.000Z")
            } else {
                #expect(e.occurredAt == e.recordedAt)
            }
        }
    }

    @Test("metadata.actor is the request's actor; an actor given in metadata is ignored; other metadata is kept")
    func actorFromRequest() throws {
        let scratch = try ScratchLog()
        let store = scratch.log
        let e1 = try LogTest.event(
            "application-R1", metadata: #"{"actor":"mallory","correlationId":"corr-1","causationId":"cause-1"}"#)
        let e2 = try LogTest.event("application-R1")
        _ = try store.appendBlocking(LogTest.request(e1, e2, actor: "bpbd-posko-1"))
        let events = try LogTest.all(store)
        let m1 = try events[0].metadataValue()
        #expect(m1["actor"] == .string("bpbd-posko-1"))
        #expect(m1["correlationId"] == .string("corr-1"))
        #expect(m1["causationId"] == .string("cause-1"))
        #expect(m1.objectValue?.count == 3)
        #expect(String(decoding: events[1].metadata, as: UTF8.self) == #"{"actor":"bpbd-posko-1"}"#)
        #expect(!String(decoding: events[0].metadata, as: UTF8.self).contains("mallory"))
    }

    @Test("data is stored canonical: the same payload formatted differently gives the same bytes")
    func dataIsCanonical() throws {
        let scratch = try ScratchLog()
        let store = scratch.log
        try LogTest.append(store, "price-1", data: #"{"b": 2.50, "a": {"y": [], "x": "\u00e9"}}"#)
        try LogTest.append(store, "price-2", data: #"{"a":{"x":"é","y":[]},"b":2.5}"#)
        let events = try LogTest.all(store)
        #expect(events[0].data == events[1].data)
        #expect(String(decoding: events[0].data, as: UTF8.self) == #"{"a":{"x":"é","y":[]},"b":2.5}"#)
    }

    @Test("ids: a client id is kept; without one the log makes a lower-case, time-ordered v7 UUID")
    func ids() throws {
        let scratch = try ScratchLog()
        let store = scratch.log
        let mine = EventID.random()
        let a = try LogTest.append(store, "s-1", id: mine)
        let b = try LogTest.append(store, "s-1")
        let c = try LogTest.append(store, "s-1")
        #expect(a.id == mine)
        #expect(b.id != c.id && b.id != mine)
        let text = b.id.description
        #expect(text == text.lowercased())
        #expect(Array(text)[14] == "7")
        #expect("89ab".contains(Array(text)[19]))
        #expect(EventID(text) == b.id)
        // The first 48 bits are the commit's milliseconds.
        #expect(Int64(b.id.bytes.0 >> 16) == b.recordedAt.millisecondsSince1970)
    }
}
