import EventLog
import Foundation
import Testing

@testable import Replication

/// The key-value bucket over nats.c's KV API, and the relay's `beforePublishing` hook that the
/// replication of subject keys relies on (a key put before the event that needs it is published).
@Suite("Key-value bucket and the relay's hook")
struct KeyValueBucketTests {
    @Test("a bucket made with history 1: put, get, purge leaves no value and no earlier message in its stream")
    func putGetPurge() async throws {
        let dir = ScratchDirectory("kv")
        guard let server = try await NATSCluster.running(size: 1, directory: dir.path) else { return }
        defer { server.killAll() }
        let js = try JetStream(connection: try NATSConnection(urls: NATSConnection.urls(from: server.urls), name: "test"))
        #expect(try KeyValueBucket.open("keys-test", in: js, create: false) == nil)
        let bucket = try #require(try KeyValueBucket.open("keys-test", in: js, create: true))
        #expect(try bucket.history() == 1)
        let first: [UInt8] = Array("first value".utf8)
        let second: [UInt8] = Array("second value".utf8)
        try bucket.put("subj-0123456789abcdef01234567", first)
        try bucket.put("subj-0123456789abcdef01234567", second)
        #expect(try bucket.get("subj-0123456789abcdef01234567") == second)
        #expect(try bucket.get("subj-ffffffffffffffffffffffff") == nil)
        try bucket.purge("subj-0123456789abcdef01234567")
        #expect(try bucket.get("subj-0123456789abcdef01234567") == nil)
        let stream = try #require(try js.streamInfo(KeyValueBucket.streamName("keys-test")))
        for sequence in stream.firstSequence...max(stream.firstSequence, stream.lastSequence) {
            if let message = try js.storedMessage(stream: KeyValueBucket.streamName("keys-test"), sequence: sequence) {
                #expect(message.data != first && message.data != second)
            }
        }
        // Opened again (exists): the same bucket.
        let again = try #require(try KeyValueBucket.open("keys-test", in: js, create: true))
        #expect(try again.get("subj-0123456789abcdef01234567") == nil)
        #expect(throws: NATSError.self) { _ = try KeyValueBucket.open("no spaces", in: js, create: true) }
    }

    @Test("the relay calls beforePublishing for every event in order before publishing it, and holds an event back while it throws")
    func hookBeforePublishing() async throws {
        let dir = ScratchDirectory("relay-hook")
        guard let server = try await NATSCluster.running(size: 1, directory: dir.path) else { return }
        defer { server.killAll() }
        let urls = NATSConnection.urls(from: server.urls)
        let store = try EventStore(dataDirectory: dir.sub("primary"))
        defer { store.close() }
        try appendTestEvents(store, count: 10, streams: 2)
        let js = try JetStream(connection: try NATSConnection(urls: urls, name: "test"))

        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var positions: [UInt64] = []
            var publishedBefore: [UInt64: UInt64] = [:]
            var failures = 0
        }
        let seen = Seen()
        let lines = LogLines()
        let (relay, task) = startRelay(store, urls: urls, lines: lines) { c in
            c.beforePublishingTypes = ["test.happened"]
            c.beforePublishing = { view in
                // What the stream holds when the hook runs for this event: never the event itself.
                let last = (try? js.streamInfo("LUMBUNG"))?.lastSequence ?? 0
                try seen.lock.withLock {
                    seen.positions.append(view.position)
                    seen.publishedBefore[view.position] = last
                    if view.position == 6 && seen.failures < 3 {
                        seen.failures += 1
                        throw NATSError(status: 0, message: "the bucket is not there yet")
                    }
                }
            }
        }
        defer { task.cancel() }
        #expect(await eventually(timeout: .seconds(120)) { relay.status().published == 10 }, "\(lines.all.joined(separator: "\n"))")
        task.cancel()
        _ = try? await task.value
        seen.lock.withLock {
            // In order; position 6 offered until it passed, and nothing after it before that.
            let firstSix = seen.positions.firstIndex(of: 6)!
            #expect(Array(seen.positions[..<firstSix]) == [1, 2, 3, 4, 5])
            #expect(seen.positions.filter { $0 == 6 }.count == 4)
            #expect(Array(seen.positions.drop { $0 != 7 }).prefix(4) == [7, 8, 9, 10])
            for (position, last) in seen.publishedBefore { #expect(last < position, "position \(position)") }
        }
        #expect(lines.all.contains { $0.contains("position 6 held back") && $0.contains("the bucket is not there yet") })
    }
}
