import EventLog
import Foundation
import Testing
@testable import Replication

@Suite("Follower's consumer")
struct FollowerConsumerTests {
    @Test("a consumer that delivered beyond the replica's head (a crash before the commit) is recreated at the head; nothing is lost")
    func consumerAheadOfTheHead() async throws {
        let dir = ScratchDirectory("follower-consumer")
        guard let server = try await NATSCluster.running(size: 1, directory: dir.path) else { return }
        defer { server.killAll() }
        let urls = NATSConnection.urls(from: server.urls)

        let primary = try EventStore(dataDirectory: dir.sub("primary"))
        defer { primary.close() }
        func append(_ count: Int) throws {
            for k in 0..<count {
                _ = try primary.appendBlocking(try AppendRequest(
                    stream: "aid-\(k % 4)", events: [("test.happened", Array(#"{"k":\#(k)}"#.utf8))], actor: "test"))
            }
        }
        try append(30)
        var relayConfiguration = Relay.Configuration(urls: urls)
        relayConfiguration.replicas = 1
        relayConfiguration.fileStorage = false
        let relay = Relay(store: primary, configuration: relayConfiguration) { _ in }
        let relaying = Task { try await relay.run() }
        defer { relaying.cancel() }

        let replicaDirectory = dir.sub("replica")
        let replica = try EventStore(dataDirectory: replicaDirectory)
        defer { replica.close() }
        let lines = LogLines()
        /// A follower on its own thread, and a semaphore signalled when its `run` has returned.
        func follow() -> (Follower, DispatchSemaphore) {
            var configuration = Follower.Configuration(urls: urls, durable: "replica-test")
            configuration.fetchWait = .milliseconds(100)
            let follower = Follower(store: replica, dataDirectory: replicaDirectory, configuration: configuration) { lines.add($0) }
            let finished = DispatchSemaphore(value: 0)
            Thread {
                try? follower.run()
                finished.signal()
            }.start()
            return (follower, finished)
        }
        var (follower, finished) = follow()
        #expect(try await eventually(timeout: .seconds(180)) { (try replica.head().position) == 30 }, "\(lines.all)")
        follower.stop()
        // Gone, with its subscription, before the stream gets more: no fetch of its is in flight.
        #expect(finished.wait(timeout: .now() + 10) == .success)

        // 20 more events reach the stream; a fetch takes 10 of them from the durable consumer and
        // the replica never commits them, as if it crashed between the fetch and the commit.
        try append(20)
        #expect(await eventually(timeout: .seconds(180)) { relay.status().published == 50 })
        let js = try JetStream(connection: try NATSConnection(urls: urls, name: "test"))
        let subscription = try js.pullSubscribe(stream: "LUMBUNG", durable: "replica-test", filterSubject: "lumbung.>")
        let taken = try subscription.fetch(batch: 10, timeout: .seconds(5))
        #expect(taken.count == 10)
        let info = try js.consumerInfo(stream: "LUMBUNG", durable: "replica-test")
        #expect(info?.deliveredStreamSequence == 40)

        (follower, finished) = follow()
        defer {
            follower.stop()
            _ = finished.wait(timeout: .now() + 10)
        }
        #expect(try await eventually(timeout: .seconds(180)) { (try replica.head().position) == 50 }, "\(lines.all)")
        #expect(lines.all.contains { $0.contains("has delivered up to 40, this log is at 30: recreating it from 31") }, "\(lines.all)")
        #expect(try replica.head().hash == (try primary.head().hash))
        #expect(!lines.all.contains { $0.contains("recreating the consumer at this log's head") })  // no gap was met
    }

    @Test("a consumer made by an older follower (filtered by subject) is recreated unfiltered at the head")
    func filteredConsumerIsRecreated() async throws {
        let dir = ScratchDirectory("follower-consumer-filter")
        guard let server = try await NATSCluster.running(size: 1, directory: dir.path) else { return }
        defer { server.killAll() }
        let urls = NATSConnection.urls(from: server.urls)

        let primary = try EventStore(dataDirectory: dir.sub("primary"))
        defer { primary.close() }
        for k in 0..<12 {
            _ = try primary.appendBlocking(try AppendRequest(
                stream: "aid-\(k % 3)", events: [("test.happened", Array(#"{"k":\#(k)}"#.utf8))], actor: "test"))
        }
        var relayConfiguration = Relay.Configuration(urls: urls)
        relayConfiguration.replicas = 1
        relayConfiguration.fileStorage = false
        let relay = Relay(store: primary, configuration: relayConfiguration) { _ in }
        let relaying = Task { try await relay.run() }
        defer { relaying.cancel() }
        #expect(await eventually(timeout: .seconds(180)) { relay.status().published == 12 })

        // What a follower of the previous release left: a durable consumer filtered by subject.
        let js = try JetStream(connection: try NATSConnection(urls: urls, name: "test"))
        _ = try js.addPullConsumer(stream: "LUMBUNG", durable: "replica-old", filterSubject: "lumbung.>", startSequence: nil)
        #expect(try js.consumerInfo(stream: "LUMBUNG", durable: "replica-old")?.filterSubject == "lumbung.>")

        let replicaDirectory = dir.sub("replica")
        let replica = try EventStore(dataDirectory: replicaDirectory)
        defer { replica.close() }
        let lines = LogLines()
        var configuration = Follower.Configuration(urls: urls, durable: "replica-old")
        configuration.fetchWait = .milliseconds(100)
        let follower = Follower(store: replica, dataDirectory: replicaDirectory, configuration: configuration) { lines.add($0) }
        let finished = DispatchSemaphore(value: 0)
        Thread {
            try? follower.run()
            finished.signal()
        }.start()
        defer {
            follower.stop()
            _ = finished.wait(timeout: .now() + 10)
        }
        #expect(try await eventually(timeout: .seconds(180)) { (try replica.head().position) == 12 }, "\(lines.all)")
        #expect(lines.all.contains { $0.contains("has delivered up to 0 and filters lumbung.>, this log is at 0: recreating it from 1") }, "\(lines.all)")
        let info = try js.consumerInfo(stream: "LUMBUNG", durable: "replica-old")
        #expect(info?.filterSubject == nil)
        #expect(info?.deliveredStreamSequence == 12)
        #expect(try replica.head().hash == (try primary.head().hash))
    }
}
