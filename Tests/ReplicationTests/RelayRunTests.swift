import EventLog
import Foundation
import Testing

@testable import Replication

@Suite("Relay runs")
struct RelayRunTests {
    @Test("a message JetStream drops inside a run lets nothing after it in, and the refusal is logged with its own reason")
    func refusalInsideARun() async throws {
        let dir = ScratchDirectory("relay-runs")
        guard let server = try await NATSCluster.running(size: 1, directory: dir.path) else { return }
        defer { server.killAll() }
        let urls = NATSConnection.urls(from: server.urls)

        let store = try EventStore(dataDirectory: dir.sub("primary"))
        defer { store.close() }
        try appendTestEvents(store, count: 12, streams: 3)
        // A stream that refuses its 6th message: the relay's runs (after a first run of one event,
        // one of 11 with only the last acknowledged) meet the limit in the middle of a run.
        let js = try JetStream(connection: try NATSConnection(urls: urls, name: "test"))
        var limited = StreamConfiguration(name: "LIMITED", subjects: ["lumbung.>"], replicas: 1, memoryStorage: true)
        limited.maxMessages = 5
        _ = try js.addStream(limited)

        let lines = LogLines()
        let (relay, task) = startRelay(store, urls: urls, lines: lines) { $0.stream = "LIMITED" }
        defer { task.cancel() }
        // Generous: in the full parallel test run, tests that wait on processes synchronously can hold
        // the cooperative threads the relay runs on for long stretches.
        let reported = await eventually(timeout: .seconds(180), interval: .milliseconds(100)) {
            lines.all.contains { $0.contains("maximum messages") }
        }
        #expect(reported, "\(lines.all.joined(separator: "\n"))")
        task.cancel()
        _ = try? await task.value

        let info = try #require(try js.streamInfo("LIMITED"))
        #expect(info.lastSequence == 5)
        #expect(info.messages == 5)
        for position in UInt64(1)...5 {
            let stored = try #require(try js.storedMessage(stream: "LIMITED", sequence: position))
            #expect(stored.data == (try store.event(at: position))?.json)
        }
        #expect(relay.status().published == 5)
    }
}
