import EventLog
import Foundation
import JSON
import Replication
import Testing

@Suite("Event wire format")
struct EventWireTests {
    static func event() throws -> RecordedEvent {
        var e = RecordedEvent(
            position: 7, stream: "application-MTR.2018.08", version: 2, id: try #require(EventID("6f1c8a9e-2d5b-4c61-9a0e-3b7f5d2c1e44")),
            type: "documents.status-changed", occurredAt: try #require(Timestamp("2018-08-06T02:13:00.000Z")),
            recordedAt: try #require(Timestamp("2026-01-28T10:00:00.123Z")),
            metadata: Array(#"{"actor":"cli:test","correlationId":"c-1"}"#.utf8),
            data: Array(#"{"from":"submitted","price":12500.25,"to":"verified","unicode":"é\n"}"#.utf8),
            prevHash: try #require(EventHash(hex: String(repeating: "ab", count: 32))), hash: .zero)
        e.hash = EventHash.sha256(e.canonicalBytesWithoutHash)
        return e
    }

    @Test("an event's export JSON decodes back to the same event")
    func roundTrip() throws {
        let e = try Self.event()
        let decoded = try e.json.withUnsafeBytes { try EventWire.decode($0) }
        #expect(decoded == e)
        #expect(EventHash.sha256(decoded.canonicalBytesWithoutHash) == e.hash)
    }

    @Test("the relay's own lines take the fast path, and it reads them as the general parser does")
    func fastPathMatchesParsing() throws {
        var random = SplitMix64(seed: 62)
        for k in 0..<500 {
            var e = try Self.event()
            e.position = k == 0 ? 0 : random.next() % 9_007_199_254_740_992
            e.version = k == 1 ? 9_007_199_254_740_991 : random.next() % 1000
            e.stream = ["aid-\(k)", "application-MTR.2018.08", "prices-pasar_kebon_roek", "x"][k % 4]
            e.data = CanonicalJSON.encode(.object([(key: "v", value: CanonicalCheckSamples.value(&random))]))
            e.recordedAt = Timestamp(millisecondsSince1970: Int64(random.next() % 4_000_000_000_000))
            e.hash = EventHash.sha256(e.canonicalBytesWithoutHash)
            let line = e.json
            let fast = line.withUnsafeBytes { RecordedEvent(exportedJSON: $0) }
            let parsed = try line.withUnsafeBytes { try EventWire.decodeParsing($0) }
            #expect(fast != nil, "\(String(decoding: line, as: UTF8.self))")
            #expect(fast == parsed)
            #expect(parsed == e)
        }
    }

    @Test("a line not exactly as the relay writes it is still read, by the general parser, to the same event")
    func otherFormsTakeTheGeneralPath() throws {
        let e = try Self.event()
        let line = String(decoding: e.json, as: UTF8.self)
        let variants = [
            line.replacingOccurrences(of: #""version":2,"#, with: #""version": 2,"#),  // whitespace
            line.replacingOccurrences(of: #""position":7,"#, with: #""position":7.0,"#),  // a whole number written otherwise
            line.replacingOccurrences(of: #"application-"#, with: #"application\u002d"#),  // an escape
            line.replacingOccurrences(of: "6f1c8a9e", with: "6F1C8A9E"),  // upper-case id
            line.replacingOccurrences(of: #""from":"submitted","price":12500.25"#, with: #""price":12500.250,"from":"submitted""#),
            line + " ",
        ]
        var general = 0
        for text in variants where text != line {
            let bytes = Array(text.utf8)
            let parsed = try bytes.withUnsafeBytes { try EventWire.decodeParsing($0) }
            let fast = bytes.withUnsafeBytes { RecordedEvent(exportedJSON: $0) }
            if fast == nil { general += 1 }
            #expect(fast == nil || fast == parsed, "\(text)")
            #expect(try bytes.withUnsafeBytes { try EventWire.decode($0) } == parsed)
            #expect(parsed == e, "\(text)")
        }
        #expect(general >= 5)
        // Non-canonical data whose meaning differs is read as what it means (and its hash then
        // fails at the store): never taken verbatim.
        let reordered = line.replacingOccurrences(
            of: #""from":"submitted","price":12500.25"#, with: #""price":12500.25,"from":"submitted""#)
        let decoded = try Array(reordered.utf8).withUnsafeBytes { try EventWire.decode($0) }
        #expect(decoded.data == e.data)
    }

    @Test("JetStream ack subjects give the delivered message's place, in both forms; anything else nil")
    func ackSubjects() {
        func parse(_ s: String) -> MessageMetadata? {
            Array(s.utf8).withUnsafeBufferPointer { MessageMetadata(ackSubject: $0) }
        }
        #expect(
            parse("$JS.ACK.LUMBUNG.lumbung-replica-1.2.1507.1499.1764392041000000000.31")
                == MessageMetadata(streamSequence: 1507, consumerSequence: 1499, pending: 31, deliveries: 2))
        #expect(
            parse("$JS.ACK.hub.ACCHASH.LUMBUNG.r1.1.7.7.1764392041000000000.0.XYZ")
                == MessageMetadata(streamSequence: 7, consumerSequence: 7, pending: 0, deliveries: 1))
        for bad in [
            "", "$JS.ACK", "$JS.ACK.S.C.1.2.3.4", "$JS.ACK.S.C.1.2.3.4.5.6", "$JS.ACK.S.C.1.x.3.4.5", "$JS.ACK.S.C.1..3.4.5",
            "$JS.NAK.S.C.1.2.3.4.5", "_INBOX.a.b.c.d.e.f.g.h", "$JS.ACK.S.C.1.99999999999999999999999.3.4.5",
        ] {
            #expect(parse(bad) == nil, "\(bad)")
        }
    }

    @Test("the subject is <prefix>.<category>.<type>, the category one token")
    func subject() throws {
        #expect(EventWire.subject(prefix: "lumbung", event: try Self.event()) == "lumbung.application.documents.status-changed")
        var e = try Self.event()
        e.stream = "a.b-1"
        #expect(EventWire.subject(prefix: "p.q", event: e) == "p.q.a_b.documents.status-changed")
    }

    @Test("what is not an event is refused, naming why")
    func refusesNonEvents() throws {
        for text in [
            "", "[]", "{\"position\":1}",
            String(decoding: try Self.event().json, as: UTF8.self).replacingOccurrences(of: "\"hash\":\"", with: "\"hash\":\"zz"),
        ] {
            #expect(throws: ReplicationError.self) { try Array(text.utf8).withUnsafeBytes { try EventWire.decode($0) } }
        }
    }
}

/// Random JSON values for payloads.
enum CanonicalCheckSamples {
    static func value(_ r: inout SplitMix64, depth: Int = 0) -> JSONValue {
        switch r.next() % (depth > 2 ? 4 : 6) {
        case 0: return .null
        case 1: return .bool(r.next() % 2 == 0)
        case 2: return .number([0, -1, 12500.25, 1e21, 1e-7, 0.1 + 0.2, -8.5779][Int(r.next() % 7)])
        case 3: return .string(["", "beras", "é\n", "\u{1F600}", "a\"b\\c", "\u{01}"][Int(r.next() % 6)])
        case 4: return .array((0..<Int(r.next() % 3)).map { _ in value(&r, depth: depth + 1) })
        default:
            let keys = ["a", "harga", "é", "\u{E000}", "\u{1F600}", "nama", "z"]
            var members: [(key: String, value: JSONValue)] = []
            for key in keys where r.next() % 3 == 0 { members.append((key, value(&r, depth: depth + 1))) }
            return .object(members)
        }
    }
}
