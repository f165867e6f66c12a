import EventLog
import Foundation
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

    @Test("the subject is <prefix>.<category>.<type>, the category one token")
    func subject() throws {
        #expect(EventWire.subject(prefix: "lumbung", event: try Self.event()) == "lumbung.application.documents.status-changed")
        var e = try Self.event()
        e.stream = "a.b-1"
        #expect(EventWire.subject(prefix: "p.q", event: e) == "p.q.a_b.documents.status-changed")
    }

    @Test("what is not an event is refused, naming why")
    func refusesNonEvents() throws {
        for text in ["", "[]", "{\"position\":1}", String(decoding: try Self.event().json, as: UTF8.self).replacingOccurrences(of: "\"hash\":\"", with: "\"hash\":\"zz")] {
            #expect(throws: ReplicationError.self) { try Array(text.utf8).withUnsafeBytes { try EventWire.decode($0) } }
        }
    }
}
