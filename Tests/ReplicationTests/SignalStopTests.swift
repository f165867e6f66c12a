import Foundation
import Testing

/// `lumbung relay` and `lumbung follow` under SIGTERM: each finishes what it has in hand (the
/// relay the acknowledgments of what it published, the follower the batch being committed),
/// closes the log and exits 0; started again, they go on from there.
@Suite("relay and follow stop on SIGTERM", .serialized)
struct SignalStopTests {
    /// The exit status of `child` once it has ended by itself after `signal` (nil when it ran
    /// on past `timeout`, then it is killed, or when a signal killed it).
    static func stop(_ child: Child, with signal: Int32, timeout: Duration = .seconds(30)) async -> Int32? {
        kill(child.pid, signal)
        let deadline = ContinuousClock.now + timeout
        while child.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        guard !child.isRunning else {
            child.kill(SIGKILL)
            return nil
        }
        child.process.waitUntilExit()
        return child.process.terminationReason == .exit ? child.process.terminationStatus : nil
    }

    @Test("relay and follow exit 0 on SIGTERM mid-stream, resume when started again, and the replica equals the primary")
    func sigterm() async throws {
        let dir = ScratchDirectory("sigterm")
        guard let server = try await NATSCluster.running(size: 1, directory: dir.path) else { return }
        defer { server.killAll() }
        let nats = server.urls
        let primary = dir.sub("primary")
        let replica = dir.sub("replica")
        let heads = ReplicationClusterTests.Heads()
        defer { heads.close() }
        let chunks = try Workload.chunks(directory: dir.path, scale: 0.3, chunkSize: 500)
        try #require(chunks.count >= 3)
        #expect(try lumbung(["append", "--data-dir", primary, "--ndjson", chunks[0], "--atomic"]).status == 0)

        for round in 1...2 {
            let relay = try ReplicationClusterTests.relay(nats, primary, dir, replicas: 1, name: "relay\(round)")
            let follower = try ReplicationClusterTests.follower(nats, replica, dir, name: "follow\(round)", primary: primary)
            defer { for c in [relay, follower] { c.kill() } }
            // More events while both run, then a signal to each once the replica has some of them.
            let before = heads.head(replica)
            #expect(try lumbung(["append", "--data-dir", primary, "--ndjson", chunks[round], "--atomic"]).status == 0)
            #expect(await eventually(timeout: .seconds(120)) { heads.head(replica) > before }, "\(relay.log)\n\(follower.log)")
            let relayStatus = await Self.stop(relay, with: SIGTERM)
            #expect(relayStatus == 0, "relay, round \(round): \(relay.log)")
            #expect(relay.log.contains("stopped: head"), "\(relay.log)")
            let followerStatus = await Self.stop(follower, with: SIGTERM)
            #expect(followerStatus == 0, "follow, round \(round): \(follower.log)")
            #expect(follower.log.contains("stopped at position"), "\(follower.log)")
            #expect(heads.head(replica) <= heads.head(primary))
        }

        // Once more, to the end: the replica then holds the primary's log, and both verify.
        let relay = try ReplicationClusterTests.relay(nats, primary, dir, replicas: 1, name: "relay-last")
        let follower = try ReplicationClusterTests.follower(nats, replica, dir, name: "follow-last", primary: primary)
        defer { for c in [relay, follower] { c.kill() } }
        let head = heads.head(primary)
        // Both running (a signal before a command has set up its handling ends it as a signal does).
        #expect(await eventually(timeout: .seconds(120)) { relay.log.contains("connected to") && follower.log.contains("connected to") })
        #expect(await eventually(timeout: .seconds(120)) { heads.head(replica) == head }, "\(relay.log)\n\(follower.log)")
        #expect(await Self.stop(relay, with: SIGTERM) == 0, "\(relay.log)")
        #expect(await Self.stop(follower, with: SIGTERM) == 0, "\(follower.log)")
        #expect(try ReplicationClusterTests.stats(replica) == ReplicationClusterTests.stats(primary))
        for d in [primary, replica] {
            let verify = try lumbung(["verify", "--data-dir", d])
            #expect(verify.status == 0, "\(verify.stderr)")
        }
    }
}
