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
        try appendTestEvents(primary, count: 30, streams: 4)
        let (relay, relaying) = startRelay(primary, urls: urls)
        defer { relaying.cancel() }

        let replicaDirectory = dir.sub("replica")
        let replica = try EventStore(dataDirectory: replicaDirectory)
        defer { replica.close() }
        let lines = LogLines()
        let first = FollowerThread(replica, dataDirectory: replicaDirectory, urls: urls, durable: "replica-test", lines: lines)
        #expect(try await eventually(timeout: .seconds(180)) { (try replica.head().position) == 30 }, "\(lines.all)")
        // Gone, with its subscription, before the stream gets more: no fetch of its is in flight.
        #expect(first.stop())

        // 20 more events reach the stream; a fetch takes 10 of them from the durable consumer and
        // the replica never commits them, as if it crashed between the fetch and the commit.
        try appendTestEvents(primary, count: 20, streams: 4)
        #expect(await eventually(timeout: .seconds(180)) { relay.status().published == 50 })
        let js = try JetStream(connection: try NATSConnection(urls: urls, name: "test"))
        let subscription = try js.pullSubscribe(stream: "LUMBUNG", durable: "replica-test", filterSubject: "lumbung.>")
        let taken = try subscription.fetch(batch: 10, timeout: .seconds(5))
        #expect(taken.count == 10)
        let info = try js.consumerInfo(stream: "LUMBUNG", durable: "replica-test")
        #expect(info?.deliveredStreamSequence == 40)

        let second = FollowerThread(replica, dataDirectory: replicaDirectory, urls: urls, durable: "replica-test", lines: lines)
        defer { second.stop() }
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
        try appendTestEvents(primary, count: 12, streams: 3)
        let (relay, relaying) = startRelay(primary, urls: urls)
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
        let following = FollowerThread(replica, dataDirectory: replicaDirectory, urls: urls, durable: "replica-old", lines: lines)
        defer { following.stop() }
        #expect(try await eventually(timeout: .seconds(180)) { (try replica.head().position) == 12 }, "\(lines.all)")
        #expect(
            lines.all.contains { $0.contains("has delivered up to 0 and filters lumbung.>, this log is at 0: recreating it from 1") },
            "\(lines.all)")
        let info = try js.consumerInfo(stream: "LUMBUNG", durable: "replica-old")
        #expect(info?.filterSubject == nil)
        #expect(info?.deliveredStreamSequence == 12)
        #expect(try replica.head().hash == (try primary.head().hash))
    }
}
