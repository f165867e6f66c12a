import EventLog
import Foundation
import Testing

@testable import Replication

@Suite("Relay batch")
struct RelayBatchTests {
    @Test("each message is the event's subject, JSON line, id and position - 1, as EventWire writes them")
    func messagesMatchTheWire() throws {
        let dir = ScratchDirectory("relay-batch")
        let store = try EventStore(dataDirectory: dir.path)
        for (k, stream) in ["aid-1", "application-MTR.2018.08", "prices-x", "plain"].enumerated() {
            _ = try store.appendBlocking(
                try AppendRequest(
                    stream: stream, events: [("t.happened", Array(#"{"k":\#(k),"nama":"é\n"}"#.utf8)), ("t.again", Array("{}".utf8))],
                    actor: "test"))
        }
        var batch = RelayBatch(subjectPrefix: "lumbung.kota")
        try store.forEachRecord(EventFilter(fromPosition: 2)) { view in
            batch.append(view)
            return true
        }
        #expect(batch.count == 7)
        #expect((0..<batch.count).map(batch.position) == Array(2...8))
        for k in 0..<batch.count {
            let event = try #require(try store.event(at: UInt64(k) + 2))
            batch.withMessage(k) { subject, data, id, expected in
                #expect(String(cString: subject) == EventWire.subject(prefix: "lumbung.kota", event: event))
                #expect(Array(data) == event.json)
                #expect(String(cString: id) == event.id.description)
                #expect(String(cString: expected) == String(event.position - 1))
            }
        }
        // Truncated (an event held back by the relay's hook): the first messages stay as they were.
        batch.truncate(to: 3)
        #expect(batch.count == 3)
        batch.truncate(to: 5)
        #expect(batch.count == 3)
        try store.forEachRecord(EventFilter(fromPosition: 8)) { view in
            batch.append(view)
            return true
        }
        #expect((0..<batch.count).map(batch.position) == [2, 3, 4, 8])
        for (k, position) in [(0, 2), (2, 4), (3, 8)] {
            let event = try #require(try store.event(at: UInt64(position)))
            batch.withMessage(k) { subject, data, _, _ in
                #expect(String(cString: subject) == EventWire.subject(prefix: "lumbung.kota", event: event))
                #expect(Array(data) == event.json)
            }
        }
        batch.removeAll()
        #expect(batch.count == 0)
    }
}
