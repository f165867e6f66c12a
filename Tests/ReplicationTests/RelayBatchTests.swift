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
        batch.removeAll()
        #expect(batch.count == 0)
    }
}
