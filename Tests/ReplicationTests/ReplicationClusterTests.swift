import EventLog
import Foundation
import Testing

/// Replication end to end, on loopback: real `nats-server` processes with JetStream, the real
/// `lumbung` binary as primary writer, relays and replicas, and an independent consumer in
/// Python. Timeouts only guard against hanging; nothing depends on how fast anything is.
@Suite("Replication through JetStream", .serialized)
struct ReplicationClusterTests {
    /// The heads of several data directories, read in this process (each log opened once).
    final class Heads: @unchecked Sendable {
        private var stores: [String: EventStore] = [:]
        private let lock = NSLock()

        func store(_ dir: String) -> EventStore? {
            lock.withLock {
                if let s = stores[dir] { return s }
                guard FileManager.default.fileExists(atPath: dir + "/log/data.mdb"), let s = try? EventStore(dataDirectory: dir) else {
                    return nil
                }
                stores[dir] = s
                return s
            }
        }

        func head(_ dir: String) -> UInt64 { (try? store(dir)?.head().position) ?? 0 }

        func close() { lock.withLock { for s in stores.values { s.close() } } }
    }

    static func relay(_ nats: String, _ primary: String, _ dir: ScratchDirectory, replicas: Int, name: String) throws -> Child {
        try Child(
            name, executable: Binaries.lumbung,
            arguments: ["relay", "--data-dir", primary, "--nats", nats, "--replicas", String(replicas)], logDirectory: dir.path)
    }

    /// `lumbung follow` of `replica`, trusting the key of `primary` (made there if missing).
    static func follower(
        _ nats: String, _ replica: String, _ dir: ScratchDirectory, name: String, primary: String, extra: [String] = []
    ) throws -> Child {
        try Child(
            name, executable: Binaries.lumbung,
            arguments: ["follow", "--data-dir", replica, "--nats", nats, "--primary-key", try primaryKey(primary)] + extra,
            logDirectory: dir.path)
    }

    /// The audit public key of the primary in `primary` (`lumbung audit public-key`), in hex.
    static func primaryKey(_ primary: String) throws -> String {
        let r = try lumbung(["audit", "public-key", "--data-dir", primary])
        return try #require(jsonObject(r.stdout)?["publicKey"] as? String, "audit public-key: \(r.stderr)")
    }

    /// Stats of a data directory, without `bytes` (file sizes differ) and `replication`.
    static func stats(_ dataDir: String) throws -> [String: String] {
        let r = try lumbung(["stats", "--data-dir", dataDir])
        guard r.status == 0, let object = jsonObject(r.stdout) else { return ["error": r.stderr] }
        var out: [String: String] = [:]
        for key in ["events", "streams", "headPosition", "headHash"] { out[key] = "\(object[key] ?? "missing")" }
        return out
    }

    @Test("three NATS nodes, a primary appending, relays and two replicas, through faults: replicas equal the primary")
    func clusterWithFaults() async throws {
        let dir = ScratchDirectory("replication")
        guard let cluster = try await NATSCluster.running(size: 3, directory: dir.path) else { return }
        defer { cluster.killAll() }
        let nats = cluster.urls
        let primary = dir.sub("primary")
        let replica1 = dir.sub("replica1")
        let replica2 = dir.sub("replica2")
        let heads = Heads()
        defer { heads.close() }

        let chunks = try Workload.chunks(directory: dir.path, scale: 1.0, chunkSize: 300)
        try #require(chunks.count >= 40)
        // Some history before replication starts, and an admin key (itself an event).
        #expect(try lumbung(["append", "--data-dir", primary, "--ndjson", chunks[0], "--atomic"]).status == 0)
        let key = try lumbung(["keys", "create", "--data-dir", primary, "--role", "admin", "--name", "replication-test"])
        let token = try #require(jsonObject(key.stdout)?["token"] as? String, "keys create: \(key.stderr)")
        for r in [replica1, replica2] {
            try FileManager.default.createDirectory(atPath: r, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: primary + "/secret.key", toPath: r + "/secret.key")
        }
        let appender = Appender(chunks: Array(chunks.dropFirst()), dataDirectory: primary)
        appender.start()
        appender.allow(10)

        // Two relays started at once on the same log, and two replicas.
        var relayA = try Self.relay(nats, primary, dir, replicas: 3, name: "relayA")
        let relayB = try Self.relay(nats, primary, dir, replicas: 3, name: "relayB")
        var follower1 = try Self.follower(nats, replica1, dir, name: "follow1", primary: primary)
        let follower2 = try Self.follower(nats, replica2, dir, name: "follow2", primary: primary)
        defer {
            for c in [relayA, relayB, follower1, follower2] { c.kill() }
        }
        func diagnostics() -> String {
            "appender: \(appender.error ?? "ok"), primary \(heads.head(primary)), replicas \(heads.head(replica1)) \(heads.head(replica2))\n"
                + [relayA, relayB, follower1, follower2].map { "--- \($0.name)\n" + String($0.log.suffix(3000)) }.joined(separator: "\n")
                + "\n" + cluster.logs()
        }

        // Fault 1: the relay killed with SIGKILL mid-stream, then restarted; the second relay too.
        #expect(await eventually { appender.appendedChunks >= 5 && heads.head(replica1) > 0 }, "\(diagnostics())")
        relayA.kill(SIGKILL)
        relayA = try Self.relay(nats, primary, dir, replicas: 3, name: "relayA2")
        #expect(await eventually { appender.appendedChunks >= 9 }, "\(diagnostics())")
        relayB.kill(SIGKILL)
        var mark = heads.head(primary)
        #expect(await eventually { heads.head(replica1) >= mark && heads.head(replica2) >= mark }, "\(diagnostics())")

        // Fault 2: the NATS node every client is connected to (the first URL) killed mid-stream,
        // the others carry on; then it comes back.
        appender.allow(20)
        #expect(await eventually { appender.appendedChunks >= 12 }, "\(diagnostics())")
        cluster.kill(0)
        #expect(await eventually { appender.appendedChunks >= 16 }, "\(diagnostics())")
        mark = heads.head(primary)
        #expect(await eventually { heads.head(replica1) >= mark && heads.head(replica2) >= mark }, "\(diagnostics())")
        try cluster.start(0)

        // Fault 3: a replica killed with SIGKILL mid-stream, then restarted.
        appender.allow(30)
        #expect(await eventually { appender.appendedChunks >= 22 }, "\(diagnostics())")
        follower1.kill(SIGKILL)
        #expect(await eventually { appender.appendedChunks >= 26 }, "\(diagnostics())")
        follower1 = try Self.follower(nats, replica1, dir, name: "follow1b", primary: primary)

        // The rest, then everyone catches up.
        appender.allow(chunks.count)
        #expect(await eventually(timeout: .seconds(300)) { appender.finished }, "\(diagnostics())")
        #expect(appender.error == nil, "\(diagnostics())")
        let head = heads.head(primary)
        #expect(head >= 14_000)
        #expect(
            await eventually(timeout: .seconds(180)) { heads.head(replica1) == head && heads.head(replica2) == head },
            "\(diagnostics())")

        // Equal logs: stats (head position and hash, counts), chains that verify.
        let primaryStats = try Self.stats(primary)
        let primaryVerify = try lumbung(["verify", "--data-dir", primary])
        let primaryRoot = jsonObject(primaryVerify.stdout)?["rootHash"] as? String
        #expect(primaryRoot != nil, "verify primary: \(primaryVerify.stdout) \(primaryVerify.stderr)")
        for r in [replica1, replica2] {
            #expect(try Self.stats(r) == primaryStats)
            let verify = try lumbung(["verify", "--data-dir", r])
            #expect(verify.status == 0, "verify \(r): \(verify.stdout) \(verify.stderr)")
            #expect(jsonObject(verify.stdout)?["ok"] as? Bool == true)
            // The same Merkle tree: a proof made on a replica holds against the primary's heads.
            #expect(jsonObject(verify.stdout)?["rootHash"] as? String == primaryRoot)
        }
        // Equal views.
        let primaryStore = try #require(heads.store(primary))
        let expected = try Workload.viewAnswers(primaryStore, scratch: dir.sub("views-primary"))
        #expect(expected.count > 2 && expected[0].count > 50)
        for (i, r) in [replica1, replica2].enumerated() {
            let store = try #require(heads.store(r))
            #expect(try Workload.viewAnswers(store, scratch: dir.sub("views-\(i)")) == expected)
        }

        // The stream itself, read by an independent consumer (nats-py, rfc8785, hashlib): one
        // message per position, in order, the chain intact, ending at the primary's head.
        let script = Binaries.packageRoot + "/Tests/replication/verify_stream.py"
        let independent = try run(
            "/usr/bin/env", [Binaries.python, script, "--servers", nats, "--expect", String(head)], timeout: .seconds(180))
        #expect(independent.status == 0, "verify_stream.py: \(independent.stdout) \(independent.stderr)")
        #expect(jsonObject(independent.stdout)?["headHash"] as? String == primaryStats["headHash"])

        // The replica served read-only: reads work, /health shows its position and lag, writes
        // answer 403 naming the primary.
        let port = freePort()
        let server = try Child(
            "serve-replica2", executable: Binaries.lumbung,
            arguments: ["serve", "--data-dir", replica2, "--port", String(port), "--read-only", "http://primary.example:8080"],
            logDirectory: dir.path)
        defer { server.kill() }
        let base = "http://127.0.0.1:\(port)"
        #expect(
            await eventually(timeout: .seconds(60)) {
                guard let h = (try? httpGet(base + "/health")) ?? nil, h.status == 200, let o = jsonObject(h.body),
                    let replication = o["replication"] as? [String: Any]
                else { return false }
                return o["role"] as? String == "replica" && (o["headPosition"] as? NSNumber)?.uint64Value == head
                    && (replication["lag"] as? NSNumber)?.intValue == 0
            }, "\(server.log)")
        let auth = ["Authorization": "Bearer \(token)"]
        let read = try httpGet(base + "/v1/events?from=\(head)", headers: auth)
        #expect(read?.status == 200)
        #expect(read?.body.contains(primaryStats["headHash"] ?? "?") == true)
        let write = try httpSend("POST", base + "/v1/streams/test-1", body: #"{"type":"test.written","data":{}}"#, headers: auth)
        #expect(write.status == 403)
        #expect(write.body.contains("http://primary.example:8080"))
        // And the replica's log refuses a local append outright (the CLI writes to the log directly).
        let local = try lumbung(["append", "--data-dir", replica1, "--stream", "test-1", "--type", "test.written", "--data", "{}"])
        #expect(local.status == 1 && local.stderr.contains("replica"))
        #expect(heads.head(replica1) == head)
    }

    @Test("two relays started at once on one log give a stream equal to the log; a stream of another log is refused")
    func twoRelays() async throws {
        let dir = ScratchDirectory("two-relays")
        guard let server = try await NATSCluster.running(size: 1, directory: dir.path) else { return }
        defer { server.killAll() }
        let nats = server.urls
        let primary = dir.sub("primary")
        let chunks = try Workload.chunks(directory: dir.path, scale: 0.3, chunkSize: 2000)
        for c in chunks { #expect(try lumbung(["append", "--data-dir", primary, "--ndjson", c, "--atomic"]).status == 0) }
        let heads = Heads()
        defer { heads.close() }
        let head = heads.head(primary)
        #expect(head > 3000)

        let relays = try (0..<2).map { try Self.relay(nats, primary, dir, replicas: 1, name: "relay\($0)") }
        defer { for r in relays { r.kill() } }
        let script = Binaries.packageRoot + "/Tests/replication/verify_stream.py"
        var checked: (status: Int32, stdout: String, stderr: String) = (1, "", "")
        #expect(
            await eventually(timeout: .seconds(180), interval: .seconds(1)) {
                checked =
                    (try? run(
                        "/usr/bin/env", [Binaries.python, script, "--servers", nats, "--expect", String(head)], timeout: .seconds(120)))
                    ?? (1, "", "\(Binaries.python) did not run")
                return checked.status == 0
            }, "\(checked.stdout) \(checked.stderr)\n\(relays.map(\.log).joined(separator: "\n"))")
        let primaryStats = try Self.stats(primary)
        #expect(jsonObject(checked.stdout)?["headHash"] as? String == primaryStats["headHash"])
        #expect(jsonObject(checked.stdout)?["count"] as? Int == Int(head))
        let allRunning = relays.allSatisfy { $0.isRunning }
        #expect(allRunning)

        // Another log with other events is refused against this stream: the relay exits 1.
        let other = dir.sub("other")
        for c in chunks.prefix(1) { #expect(try lumbung(["append", "--data-dir", other, "--ndjson", c, "--atomic"]).status == 0) }
        #expect(try lumbung(["append", "--data-dir", other, "--stream", "test-1", "--type", "test.other", "--data", "{}"]).status == 0)
        let refused = try run(Binaries.lumbung, ["relay", "--data-dir", other, "--nats", nats, "--replicas", "1"], timeout: .seconds(60))
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("holds another log") || refused.stderr.contains("ahead of this log"), "\(refused.stderr)")
    }
}
