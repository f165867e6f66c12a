import EventLog
import Foundation
import Testing

/// The verbatim append of a read replica (`EventStore.appendReplicated`): the chain is checked,
/// anything that does not fit is refused, and nothing of a refused call is written.
@Suite("Replicated append")
struct ReplicatedAppendTests {
    /// A scratch log directory, removed when released.
    final class Scratch {
        let path = NSTemporaryDirectory() + "lumbung-replicated-" + UUID().uuidString
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func store() throws -> EventStore { try EventStore(dataDirectory: path) }
    }

    /// A primary with `count` events over two streams; returns its events.
    static func primaryEvents(_ count: Int) async throws -> (Scratch, [RecordedEvent]) {
        let scratch = Scratch()
        let store = try scratch.store()
        defer { store.close() }
        for i in 0..<count {
            let stream = i % 2 == 0 ? "account-a" : "account-b"
            let event = try ProposedEvent(
                stream: stream, type: "test.moved", data: Array(#"{"amount":\#(i + 1),"note":"n\#(i)"}"#.utf8),
                metadata: Array(#"{"correlationId":"c\#(i)"}"#.utf8))
            _ = try await store.append(AppendRequest(events: [event], actor: "test"))
        }
        var events: [RecordedEvent] = []
        for p in 1...UInt64(count) { events.append(try #require(try store.event(at: p))) }
        return (scratch, events)
    }

    /// `event` with its hash recomputed after a change (a self-consistent forgery).
    static func rehashed(_ event: RecordedEvent) -> RecordedEvent {
        var e = event
        e.hash = EventHash.sha256(e.canonicalBytesWithoutHash)
        return e
    }

    @Test("a verbatim copy of a log equals it and verifies")
    func copiesVerbatim() async throws {
        let (_, events) = try await Self.primaryEvents(6)
        let replica = Scratch()
        let store = try replica.store()
        defer { store.close() }
        let outcome = try await store.appendReplicated(Array(events[0..<4]))
        #expect(outcome.results.map(\.position) == [1, 2, 3, 4])
        _ = try store.appendReplicatedBlocking(Array(events[4...]))
        for e in events { #expect(try store.event(at: e.position) == e) }
        let head = try store.head()
        #expect(head.position == 6 && head.hash == events[5].hash)
        #expect(try store.version(of: "account-a") == 3)
        #expect(try store.position(of: events[3].id) == 4)
        #expect(try store.verify().ok)
    }

    @Test("with a signed head: kept when its root matches; refused whole at another size, with a bad signature or another root")
    func signedHeads() async throws {
        let (primaryDir, events) = try await Self.primaryEvents(6)
        let primary = try primaryDir.store()
        defer { primary.close() }
        let keyDir = Scratch()
        let key = try AuditSigningKey.loadOrCreate(dataDirectory: keyDir.path)
        let at3 = try key.sign(try primary.treeHead(size: 3))
        let at6 = try key.sign(try primary.treeHead(size: 6))
        let replica = Scratch()
        let store = try replica.store()
        defer { store.close() }
        // At another size than the append ends at: refused, nothing written.
        await #expect(throws: EventLogError.self) { _ = try await store.appendReplicated(Array(events[0..<3]), signedHead: at6) }
        #expect(try store.head().position == 0)
        // A signature that is not valid for its key.
        var forged = at3
        forged.signature[0] ^= 1
        await #expect(throws: EventLogError.self) { _ = try await store.appendReplicated(Array(events[0..<3]), signedHead: forged) }
        #expect(try store.head().position == 0)
        // Another root (a head of another log, validly signed).
        var other = at3
        other.rootHash = events[0].hash
        other = try key.sign(other.treeHead, at: other.timestamp)
        do {
            _ = try await store.appendReplicated(Array(events[0..<3]), signedHead: other)
            Issue.record("a head over another root was accepted")
        } catch {
            #expect(error.position == 3)
            #expect(error.message.contains("root"), "\(error.message)")
        }
        #expect(try store.head().position == 0)
        #expect(try store.primarySignedHead() == nil)
        // The right head: committed and kept.
        _ = try await store.appendReplicated(Array(events[0..<3]), signedHead: at3)
        #expect(try store.primarySignedHead() == at3)
        _ = try await store.appendReplicated(Array(events[3...]), signedHead: at6)
        #expect(try store.primarySignedHead() == at6)
        #expect(try store.head().position == 6)
    }

    @Test("a replica keeps the primary's Merkle tree: the same heads and proofs at every size")
    func replicaKeepsTheTree() async throws {
        let (primaryDir, events) = try await Self.primaryEvents(45)  // beyond the stored levels (16, 32)
        let primary = try primaryDir.store()
        defer { primary.close() }
        let replica = Scratch()
        let store = try replica.store()
        defer { store.close() }
        var at = 0
        for size in [1, 2, 13, 16, 1, 12] {  // batches across the tree's stored blocks
            _ = try await store.appendReplicated(Array(events[at..<(at + size)]))
            at += size
            #expect(try store.treeHead() == primary.treeHead(size: UInt64(at)))
        }
        #expect(at == events.count)
        // The tree is written, not rebuilt on demand: the frontier the replica stored is current.
        #expect(try store.verify().ok)
        for p in [1, 16, 17, 33, 45] as [UInt64] {
            #expect(try store.inclusionProof(position: p) == primary.inclusionProof(position: p))
        }
        #expect(try store.consistencyProof(from: 7, to: 45) == primary.consistencyProof(from: 7, to: 45))
    }

    @Test("a wrong position is refused and nothing is written")
    func refusesWrongPosition() async throws {
        let (_, events) = try await Self.primaryEvents(4)
        let replica = Scratch()
        let store = try replica.store()
        defer { store.close() }
        await #expect(throws: EventLogError.self) { _ = try await store.appendReplicated([events[1]]) }
        #expect(try store.stats().events == 0)
        _ = try await store.appendReplicated(Array(events[0..<2]))
        // Skipping position 3, and delivering position 2 again, are both refused.
        for wrong in [[events[3]], [events[1]], [events[2], events[3], events[3]]] {
            do {
                _ = try await store.appendReplicated(wrong)
                Issue.record("position \(wrong.map(\.position)) was accepted after head 2")
            } catch {
                #expect(error.field == "position")
            }
            #expect(try store.head().position == 2)
            #expect(try store.stats().events == 2)
        }
    }

    @Test("a wrong prevHash is refused and nothing is written")
    func refusesWrongPrevHash() async throws {
        let (_, events) = try await Self.primaryEvents(3)
        let replica = Scratch()
        let store = try replica.store()
        defer { store.close() }
        _ = try await store.appendReplicated(Array(events[0..<2]))
        var forged = events[2]
        forged.prevHash = events[0].hash
        forged = Self.rehashed(forged)
        do {
            _ = try await store.appendReplicated([forged])
            Issue.record("a prevHash that is not the head's hash was accepted")
        } catch {
            #expect(error.field == "prevHash")
            #expect(error.position == 3)
        }
        #expect(try store.head().position == 2)
        #expect(try store.position(of: events[2].id) == nil)
        _ = try await store.appendReplicated([events[2]])
        #expect(try store.verify().ok)
    }

    @Test("tampered content is refused: its hash does not match, nothing is written")
    func refusesTamperedContent() async throws {
        let (_, events) = try await Self.primaryEvents(3)
        let replica = Scratch()
        let store = try replica.store()
        defer { store.close() }
        _ = try await store.appendReplicated([events[0]])
        // Each variant keeps the primary's hash over changed content.
        func variants(_ original: RecordedEvent) -> [RecordedEvent] {
            var out: [RecordedEvent] = []
            var e = original
            e.data = Array(#"{"amount":1000000,"note":"forged"}"#.utf8)
            out.append(e)
            e = original
            e.metadata = Array(#"{"actor":"someone-else"}"#.utf8)
            out.append(e)
            e = original
            e.recordedAt = Timestamp(millisecondsSince1970: e.recordedAt.millisecondsSince1970 + 1)
            out.append(e)
            e = original
            e.type = "test.forged"
            out.append(e)
            return out
        }
        // Alone, and after a good event in the same call (all or nothing).
        let batches = variants(events[1]).map { [$0] } + variants(events[2]).map { [events[1], $0] }
        for batch in batches {
            do {
                _ = try await store.appendReplicated(batch)
                Issue.record("tampered event accepted in the batch of positions \(batch.map(\.position))")
            } catch {
                #expect(error.field == "hash")
            }
            #expect(try store.head().position == 1)
            #expect(try store.stats().events == 1)
            #expect(try store.version(of: "account-b") == 0)
            #expect(try store.position(of: events[1].id) == nil)
        }
        _ = try await store.appendReplicated(Array(events[1...]))
        #expect(try store.verify().ok)
    }

    @Test("a stream version that does not follow is refused")
    func refusesWrongVersion() async throws {
        let (_, events) = try await Self.primaryEvents(2)
        let replica = Scratch()
        let store = try replica.store()
        defer { store.close() }
        var e = events[0]
        e.version = 2
        do {
            _ = try await store.appendReplicated([Self.rehashed(e)])
            Issue.record("version 2 of a stream that does not exist was accepted")
        } catch {
            #expect(error.field == "version")
        }
        #expect(try store.stats().events == 0)
    }

    @Test("a log marked as a replica refuses ordinary appends, takes replicated ones")
    func replicaMark() async throws {
        let (_, events) = try await Self.primaryEvents(2)
        let replica = Scratch()
        let store = try replica.store()
        defer { store.close() }
        try store.setReplicaSource("LUMBUNG")
        #expect(try store.replicaSource() == "LUMBUNG")
        let local = try AppendRequest(stream: "account-z", events: [(type: "test.moved", data: Array(#"{"amount":1}"#.utf8))], actor: "t")
        do {
            _ = try await store.append(local)
            Issue.record("an ordinary append to a replica was accepted")
        } catch {
            #expect(error.code == .readOnlyReplica)
        }
        #expect(try store.stats().events == 0)
        _ = try await store.appendReplicated(events)
        #expect(try store.head().position == 2)
        try store.setReplicaSource(nil)
        #expect(try await store.append(local).results[0].position == 3)
        #expect(try store.verify().ok)
    }
}

extension RecordedEvent {
    /// A copy with another `prevHash` and its hash recomputed.
    func with(prevHash: EventHash) -> RecordedEvent {
        var e = self
        e.prevHash = prevHash
        e.hash = EventHash.sha256(e.canonicalBytesWithoutHash)
        return e
    }
}
