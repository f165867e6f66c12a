import EventLog
import Foundation
import MetricsTestKit
import Replication
import Testing

/// Authenticated replication through the real door: a real `nats-server`, the real `lumbung`
/// binary (relay, follow, serve, audit, verify) or the `Follower` against a real stream. A replica
/// trusts only the primary's key: what an unauthenticated publisher puts in the stream is never
/// committed.
@Suite("Authenticated replication", .serialized)
struct AuthenticatedReplicationTests {
    /// A primary with a few events and an admin key, relayed and followed (the CLI) until the
    /// replica has every event.
    struct Replicated {
        let dir: ScratchDirectory
        let server: NATSCluster
        let primary: String
        let replica: String
        let primaryKey: String
        let adminToken: String
        let head: UInt64
        let relay: Child
        let follower: Child
    }

    static func replicated(_ label: String) async throws -> Replicated? {
        let dir = ScratchDirectory(label)
        guard let server = try await NATSCluster.running(size: 1, directory: dir.path) else { return nil }
        let primary = dir.sub("primary")
        let replica = dir.sub("replica")
        for k in 1...3 {
            let r = try lumbung([
                "append", "--data-dir", primary, "--stream", "aid-\(k)", "--type", "test.happened", "--data", #"{"k":\#(k)}"#,
            ])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let key = try lumbung(["keys", "create", "--data-dir", primary, "--role", "admin", "--name", "auditor"])
        let token = try #require(jsonObject(key.stdout)?["token"] as? String, "keys create: \(key.stderr)")
        try FileManager.default.createDirectory(atPath: replica, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: primary + "/secret.key", toPath: replica + "/secret.key")
        let primaryKey = try ReplicationClusterTests.primaryKey(primary)
        let relay = try ReplicationClusterTests.relay(server.urls, primary, dir, replicas: 1, name: "relay")
        let follower = try ReplicationClusterTests.follower(server.urls, replica, dir, name: "follow", primary: primary)
        let heads = ReplicationClusterTests.Heads()
        defer { heads.close() }
        let head = heads.head(primary)
        #expect(head == 4)
        #expect(
            await eventually(timeout: .seconds(120)) { heads.head(replica) == head }, "\(relay.log)\n\(follower.log)")
        return Replicated(
            dir: dir, server: server, primary: primary, replica: replica, primaryKey: primaryKey, adminToken: token, head: head,
            relay: relay, follower: follower)
    }

    /// `lumbung serve` of `replica`, read-only, once it answers /health.
    static func serveReplica(_ replica: String, _ dir: ScratchDirectory) async throws -> (Child, String) {
        let port = freePort()
        let server = try Child(
            "serve-replica", executable: Binaries.lumbung,
            arguments: ["serve", "--data-dir", replica, "--port", String(port), "--read-only", "http://primary.example:8080"],
            logDirectory: dir.path)
        let base = "http://127.0.0.1:\(port)"
        #expect(
            await eventually(timeout: .seconds(60)) { ((try? httpGet(base + "/health")) ?? nil)?.status == 200 }, "\(server.log)")
        return (server, base)
    }

    @Test("relay -> follow: the replica's digest is a head signed by the primary's key, which lumbung audit verifies pinned")
    func replicaServesPrimarySignedHeads() async throws {
        guard let r = try await Self.replicated("signed-heads") else { return }
        defer {
            r.relay.kill()
            r.follower.kill()
            r.server.killAll()
        }
        // The replica made no key of its own.
        #expect(!FileManager.default.fileExists(atPath: r.replica + "/" + AuditSigningKey.fileName))
        let digest = try lumbung(["audit", "digest", "--data-dir", r.replica])
        #expect(digest.status == 0, "\(digest.stderr)")
        let signed = try #require(jsonObject(digest.stdout))
        #expect(signed["publicKey"] as? String == r.primaryKey)
        #expect((signed["treeSize"] as? NSNumber)?.uint64Value == r.head)
        #expect(!FileManager.default.fileExists(atPath: r.replica + "/" + AuditSigningKey.fileName))
        let publicKey = try lumbung(["audit", "public-key", "--data-dir", r.replica])
        #expect(jsonObject(publicKey.stdout)?["publicKey"] as? String == r.primaryKey)
        // Checked with the primary's key pinned, against the primary's log and the replica's.
        let file = r.dir.sub("replica-digest.json")
        try digest.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        for dataDir in [r.primary, r.replica] {
            let check = try lumbung(["audit", "consistency", "--data-dir", dataDir, "--digest", file, "--public-key", r.primaryKey])
            #expect(check.status == 0, "\(dataDir): \(check.stdout) \(check.stderr)")
            #expect(jsonObject(check.stdout)?["ok"] as? Bool == true)
        }
        // Pinned to another key, the same digest is refused.
        let other = String(repeating: "ab", count: 32)
        let refused = try lumbung(["audit", "consistency", "--data-dir", r.replica, "--digest", file, "--public-key", other])
        #expect(refused.status == 1)
        // Served: /v1/audit/digest answers the primary's signed head.
        let (server, base) = try await Self.serveReplica(r.replica, r.dir)
        defer { server.kill() }
        let served = try #require(try httpGet(base + "/v1/audit/digest", headers: ["Authorization": "Bearer \(r.adminToken)"]))
        #expect(served.status == 200, "\(served.body)")
        #expect(jsonObject(served.body)?["publicKey"] as? String == r.primaryKey)
        #expect(jsonObject(served.body)?["signature"] as? String == signed["signature"] as? String)
        let health = try #require(try httpGet(base + "/health"))
        let replication = try #require(jsonObject(health.body)?["replication"] as? [String: Any])
        #expect(replication["stopped"] as? Bool == false)
        #expect((replication["verifiedTreeSize"] as? NSNumber)?.uint64Value == r.head)
    }

    @Test(
        "an unauthenticated publisher's forged, well-chained admin key is refused: nothing appended, the follower stops saying where and why"
    )
    func forgedEventIsRefused() async throws {
        guard let r = try await Self.replicated("attack") else { return }
        defer {
            r.relay.kill()
            r.follower.kill()
            r.server.killAll()
        }
        // The attacker: a copy of the log (all the stream holds), without the primary's key, in
        // which it makes an admin key whose secret it knows, and signs heads with a key of its own.
        let attacker = r.dir.sub("attacker")
        try FileManager.default.copyItem(atPath: r.primary, toPath: attacker)
        try FileManager.default.removeItem(atPath: attacker + "/" + AuditSigningKey.fileName)
        let forgedKey = try lumbung(["keys", "create", "--data-dir", attacker, "--role", "admin", "--name", "forged"])
        let forgedToken = try #require(jsonObject(forgedKey.stdout)?["token"] as? String, "\(forgedKey.stderr)")
        let forgedDigest = try lumbung(["audit", "digest", "--data-dir", attacker])
        let forgedHead = forgedDigest.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let store = try EventStore(dataDirectory: attacker)
        let forged = try #require(try store.event(at: r.head + 1))
        store.close()
        #expect(forged.type == "auth.key-created")

        // Published with no credentials as the stream's next sequence: the stream takes it.
        let connection = try NATSConnection(urls: NATSConnection.urls(from: r.server.urls), name: "attacker")
        let js = try JetStream(connection: connection)
        let ack = try js.publish(
            subject: EventWire.subject(prefix: "lumbung", event: forged), data: forged.json, messageID: forged.id.description,
            expectedLastSequence: r.head, signedHead: forgedHead)
        #expect(ack.sequence == r.head + 1)

        // The follower refuses it and exits 1, naming the position and why.
        #expect(await eventually(timeout: .seconds(60)) { !r.follower.isRunning }, "\(r.follower.log)")
        #expect(r.follower.process.terminationStatus == 1)
        #expect(r.follower.log.contains("message \(r.head + 1)"), "\(r.follower.log)")
        #expect(r.follower.log.contains("not by the primary's key \(r.primaryKey)"), "\(r.follower.log)")
        let status = try #require(ReplicationStatus.read(dataDirectory: r.replica))
        #expect(status.stopped == true)
        #expect(status.refusedPosition == r.head + 1)
        #expect(status.verifiedTreeSize == r.head)

        // Nothing appended; the replica verifies; its digest is still the primary's.
        let heads = ReplicationClusterTests.Heads()
        #expect(heads.head(r.replica) == r.head)
        heads.close()
        let stats = try lumbung(["stats", "--data-dir", r.replica])
        let statsReplication = try #require(jsonObject(stats.stdout)?["replication"] as? [String: Any], "\(stats.stderr)")
        #expect(statsReplication["stopped"] as? Bool == true)
        #expect((statsReplication["refusedPosition"] as? NSNumber)?.uint64Value == r.head + 1)
        let verify = try lumbung(["verify", "--data-dir", r.replica])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        #expect(!FileManager.default.fileExists(atPath: r.replica + "/" + AuditSigningKey.fileName))

        // Served: the forged token is refused, /health says the follower stopped and why.
        let (server, base) = try await Self.serveReplica(r.replica, r.dir)
        defer { server.kill() }
        for path in ["/v1/events", "/v1/audit/digest"] {
            let refused = try #require(try httpGet(base + path, headers: ["Authorization": "Bearer \(forgedToken)"]))
            #expect(refused.status == 401, "\(path): \(refused.body)")
        }
        let digest = try #require(try httpGet(base + "/v1/audit/digest", headers: ["Authorization": "Bearer \(r.adminToken)"]))
        #expect(jsonObject(digest.body)?["publicKey"] as? String == r.primaryKey)
        let health = try #require(try httpGet(base + "/health"))
        let replication = try #require(jsonObject(health.body)?["replication"] as? [String: Any], "\(health.body)")
        #expect(replication["stopped"] as? Bool == true)
        #expect((replication["refusedPosition"] as? NSNumber)?.uint64Value == r.head + 1)
        #expect((replication["reason"] as? String)?.contains("not by the primary's key") == true, "\(health.body)")
    }

    /// Two logs of five events that differ only in the data of the third, and `stream` holding the
    /// second one's events published by hand (`head` on the last: a signed head, or none).
    static func publishAltered(
        _ dir: ScratchDirectory, urls: [String], stream: String, head: (_ genuine: EventStore) throws -> String?
    ) throws {
        let genuine = try EventStore(dataDirectory: dir.sub("genuine"))
        let altered = try EventStore(dataDirectory: dir.sub("altered"))
        defer {
            genuine.close()
            altered.close()
        }
        for k in 1...5 {
            _ = try genuine.appendBlocking(
                try AppendRequest(stream: "aid-\(k)", events: [("test.happened", Array(#"{"k":\#(k)}"#.utf8))], actor: "t"))
            let data = k == 3 ? #"{"k":333}"# : #"{"k":\#(k)}"#
            _ = try altered.appendBlocking(try AppendRequest(stream: "aid-\(k)", events: [("test.happened", Array(data.utf8))], actor: "t"))
        }
        let connection = try NATSConnection(urls: urls, name: "publisher")
        let js = try JetStream(connection: connection)
        _ = try js.addStream(StreamConfiguration(name: stream, subjects: ["lumbung.>"], replicas: 1, memoryStorage: true))
        let signed = try head(genuine)
        for p in UInt64(1)...5 {
            let event = try #require(try altered.event(at: p))
            _ = try js.publish(
                subject: EventWire.subject(prefix: "lumbung", event: event), data: event.json, messageID: event.id.description,
                expectedLastSequence: p - 1, signedHead: p == 5 ? signed : nil)
        }
    }

    @Test("a run whose head is validly signed by the primary's key but whose events give another Merkle root is refused whole")
    func rootMismatchIsRefused() async throws {
        let dir = ScratchDirectory("root-mismatch")
        guard let server = try await NATSCluster.running(size: 1, directory: dir.path) else { return }
        defer { server.killAll() }
        let urls = NATSConnection.urls(from: server.urls)
        // The primary's genuine signed head at 5, on the last message of the altered events.
        try Self.publishAltered(dir, urls: urls, stream: "LUMBUNG") { genuine in
            EventWire.signedHeadValue(try testSigningKey.sign(try genuine.treeHead(size: 5)))
        }
        let replicaDirectory = dir.sub("replica")
        let replica = try EventStore(dataDirectory: replicaDirectory)
        defer { replica.close() }
        let lines = LogLines()
        let metrics = TestMetrics()
        let follower = FollowerThread(replica, dataDirectory: replicaDirectory, urls: urls, durable: "mismatch", lines: lines) {
            $0.metrics = ReplicationMetrics(factory: metrics)
        }
        #expect(await eventually(timeout: .seconds(60)) { follower.error != nil }, "\(lines.all)")
        follower.stop()
        #expect(try metrics.expectCounter("lumbung_follower_refused_runs_total").totalValue == 1)
        #expect(try metrics.expectCounter("lumbung_follower_applied_events_total").totalValue == 0)
        let error = try #require(follower.error)
        #expect(error.position == 5)
        #expect(error.message.contains("root"), "\(error.message)")
        #expect(try replica.head().position == 0)
        #expect(try replica.primarySignedHead() == nil)
        let status = try #require(ReplicationStatus.read(dataDirectory: replicaDirectory))
        #expect(status.stoppedReason?.contains("root") == true)
        #expect(status.refusedPosition == 5)
    }

    @Test("the relay and the follower count through swift-metrics: events published and applied, each run's apply time")
    func instruments() async throws {
        let dir = ScratchDirectory("instruments")
        guard let server = try await NATSCluster.running(size: 1, directory: dir.path) else { return }
        defer { server.killAll() }
        let urls = NATSConnection.urls(from: server.urls)
        let primary = try EventStore(dataDirectory: dir.sub("primary"))
        defer { primary.close() }
        try appendTestEvents(primary, count: 40, streams: 3)
        let metrics = TestMetrics()
        let lines = LogLines()
        let (_, relaying) = startRelay(primary, urls: urls, lines: lines) { $0.metrics = ReplicationMetrics(factory: metrics) }
        defer { relaying.cancel() }
        let replicaDirectory = dir.sub("replica")
        let replica = try EventStore(dataDirectory: replicaDirectory)
        defer { replica.close() }
        let follower = FollowerThread(replica, dataDirectory: replicaDirectory, urls: urls, durable: "counted", lines: lines) {
            $0.metrics = ReplicationMetrics(factory: metrics)
        }
        #expect(try await eventually(timeout: .seconds(60)) { (try replica.head().position) == 40 }, "\(lines.all)")
        #expect(follower.stop())
        #expect(try metrics.expectCounter("lumbung_follower_applied_events_total").totalValue == 40)
        #expect(try metrics.expectCounter("lumbung_follower_refused_runs_total").totalValue == 0)
        let latency = try metrics.expectTimer("lumbung_follower_run_apply_seconds")
        #expect(!latency.values.isEmpty && latency.values.allSatisfy { $0 >= 0 })
        #expect(
            await eventually(timeout: .seconds(30)) {
                (try? metrics.expectCounter("lumbung_relay_published_events_total").totalValue) == 40
            })
        #expect(try replica.primarySignedHead()?.treeSize == 40)
        #expect(try replica.primarySignedHead()?.publicKey == testSigningKey.publicKey)
    }

    @Test("a replica that starts behind a full stream fetches whole batches of signed runs and commits them all")
    func catchesUpInFullBatches() async throws {
        let dir = ScratchDirectory("catch-up")
        guard let server = try await NATSCluster.running(size: 1, directory: dir.path) else { return }
        defer { server.killAll() }
        let urls = NATSConnection.urls(from: server.urls)
        let primary = try EventStore(dataDirectory: dir.sub("primary"))
        defer { primary.close() }
        // More than one replicated append holds, in a few appends.
        let count = EventStore.maxReplicatedEvents + 500
        for start in stride(from: 0, to: count, by: 1000) {
            let events = try (start..<min(count, start + 1000)).map { k in
                try ProposedEvent(stream: "aid-\(k % 7)", type: "test.happened", data: Array(#"{"k":\#(k)}"#.utf8))
            }
            _ = try primary.appendBlocking(try AppendRequest(events: events, actor: "test"))
        }
        let lines = LogLines()
        let (relay, relaying) = startRelay(primary, urls: urls, lines: lines)
        defer { relaying.cancel() }
        #expect(await eventually(timeout: .seconds(120)) { relay.status().published == UInt64(count) }, "\(lines.all)")
        // The follower starts now: its first fetch is a whole batch, signed runs in it.
        let replicaDirectory = dir.sub("replica")
        let replica = try EventStore(dataDirectory: replicaDirectory)
        defer { replica.close() }
        let follower = FollowerThread(replica, dataDirectory: replicaDirectory, urls: urls, durable: "catch-up", lines: lines)
        #expect(
            try await eventually(timeout: .seconds(120)) { (try replica.head().position) == UInt64(count) || follower.error != nil },
            "\(lines.all)")
        follower.stop()
        #expect(follower.error == nil, "\(follower.error?.message ?? "")")
        #expect(try replica.head() == primary.head())
        #expect(try replica.primarySignedHead()?.treeSize == UInt64(count))
    }

    @Test("events no signed head covers are never committed, and are refused after the signed-head wait")
    func unsignedEventsAreRefused() async throws {
        let dir = ScratchDirectory("unsigned")
        guard let server = try await NATSCluster.running(size: 1, directory: dir.path) else { return }
        defer { server.killAll() }
        let urls = NATSConnection.urls(from: server.urls)
        try Self.publishAltered(dir, urls: urls, stream: "LUMBUNG") { _ in nil }
        let replicaDirectory = dir.sub("replica")
        let replica = try EventStore(dataDirectory: replicaDirectory)
        defer { replica.close() }
        let lines = LogLines()
        let follower = FollowerThread(replica, dataDirectory: replicaDirectory, urls: urls, durable: "unsigned", lines: lines) {
            $0.signedHeadWait = .seconds(2)
        }
        #expect(await eventually(timeout: .seconds(60)) { follower.error != nil }, "\(lines.all)")
        follower.stop()
        let error = try #require(follower.error)
        #expect(error.position == 1)
        #expect(error.message.contains("waited more than"), "\(error.message)")
        #expect(try replica.head().position == 0)
    }

    @Test("follow without --primary-key, or with a malformed one, fails validation and writes nothing")
    func primaryKeyIsRequired() throws {
        let dir = ScratchDirectory("primary-key")
        let replica = dir.sub("replica")
        let missing = try lumbung(["follow", "--data-dir", replica, "--nats", "nats://127.0.0.1:1"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("--primary-key is required"), "\(missing.stderr)")
        let malformed = try lumbung(["follow", "--data-dir", replica, "--nats", "nats://127.0.0.1:1", "--primary-key", "abc"])
        #expect(malformed.status != 0)
        #expect(malformed.stderr.contains("64 lower-case hex digits"), "\(malformed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: replica))
    }

    @Test("with a server requiring user/password, relay and follow with theirs replicate; a publisher without credentials is refused")
    func credentialsRequired() async throws {
        let dir = ScratchDirectory("nats-auth")
        guard let server = try await NATSCluster.running(size: 1, directory: dir.path, extraConfig: Self.authorization) else { return }
        defer { server.killAll() }
        let nats = server.urls
        let primary = dir.sub("primary")
        let replica = dir.sub("replica")
        for k in 1...3 {
            #expect(
                try lumbung(["append", "--data-dir", primary, "--stream", "aid-\(k)", "--type", "test.happened", "--data", "{}"]).status
                    == 0)
        }
        for (user, password) in [("relay", "relay-secret"), ("replica", "replica-secret")] {
            try password.write(toFile: dir.sub("\(user).password"), atomically: true, encoding: .utf8)
        }
        let relay = try Child(
            "relay", executable: Binaries.lumbung,
            arguments: [
                "relay", "--data-dir", primary, "--nats", nats, "--replicas", "1", "--nats-user", "relay", "--nats-password-file",
                dir.sub("relay.password"),
            ], logDirectory: dir.path)
        defer { relay.kill() }
        let follower = try ReplicationClusterTests.follower(
            nats, replica, dir, name: "follow", primary: primary,
            extra: ["--nats-user", "replica", "--nats-password-file", dir.sub("replica.password")])
        defer { follower.kill() }
        let heads = ReplicationClusterTests.Heads()
        defer { heads.close() }
        #expect(await eventually(timeout: .seconds(120)) { heads.head(replica) == 3 }, "\(relay.log)\n\(follower.log)")
        #expect(!relay.log.contains("relay-secret") && !follower.log.contains("replica-secret"))

        // No credentials: the server refuses the connection.
        #expect(throws: NATSError.self) { _ = try NATSConnection(urls: NATSConnection.urls(from: nats), name: "anonymous") }
        // The replica's user may consume, not publish to the stream's subjects.
        var credentials = NATSConnection.Credentials()
        credentials.user = "replica"
        credentials.password = "replica-secret"
        let connection = try NATSConnection(urls: NATSConnection.urls(from: nats), name: "replica-user", credentials: credentials)
        let js = try JetStream(connection: connection, timeout: .seconds(2))
        #expect(throws: NATSError.self) {
            _ = try js.publish(subject: "lumbung.aid.test.happened", data: Array("{}".utf8), messageID: nil, expectedLastSequence: 3)
        }
        // A wrong password is refused too (`lumbung relay` keeps retrying, logging why).
        try "wrong".write(toFile: dir.sub("wrong.password"), atomically: true, encoding: .utf8)
        var wrong = NATSConnection.Credentials()
        wrong.user = "relay"
        wrong.password = "wrong"
        #expect(throws: NATSError.self) { _ = try NATSConnection(urls: NATSConnection.urls(from: nats), name: "wrong", credentials: wrong) }
    }

    /// The server's users: the relay alone publishes to the stream's subjects and manages it; the
    /// replica reads the stream and manages its own consumer (as docs/replication.md shows).
    static let authorization = """
        authorization {
          users = [
            { user: relay, password: relay-secret, permissions: {
                publish: { allow: ["lumbung.>", "$JS.API.INFO", "$JS.API.STREAM.INFO.LUMBUNG", "$JS.API.STREAM.CREATE.LUMBUNG", "$JS.API.STREAM.MSG.GET.LUMBUNG"] }
                subscribe: { allow: ["_INBOX.>"] } } }
            { user: replica, password: replica-secret, permissions: {
                publish: { allow: ["$JS.API.INFO", "$JS.API.STREAM.INFO.LUMBUNG", "$JS.API.CONSUMER.INFO.LUMBUNG.*", "$JS.API.CONSUMER.CREATE.LUMBUNG.>", "$JS.API.CONSUMER.DURABLE.CREATE.LUMBUNG.*", "$JS.API.CONSUMER.DELETE.LUMBUNG.*", "$JS.API.CONSUMER.MSG.NEXT.LUMBUNG.*", "$JS.ACK.LUMBUNG.>"] }
                subscribe: { allow: ["_INBOX.>"] } } }
          ]
        }

        """
}

extension AuthenticatedReplicationTests {
    @Test(
        "NATS credential options that do not fit together, or name unreadable files, fail validation naming the option",
        arguments: [
            (["--nats-password-file", "/nonexistent"], "--nats-password-file goes with --nats-user"),
            (["--nats-user", "relay"], "--nats-user needs a password"),
            (["--nats-user", "relay", "--nats-password-file", "/nonexistent/password"], "--nats-password-file: cannot read"),
            (["--nats-creds", "/nonexistent/user.creds"], "--nats-creds: cannot read"),
            (["--nats-tls-cert", "/nonexistent/cert.pem"], "--nats-tls-cert and --nats-tls-key go together"),
            (["--nats-tls-ca", "/nonexistent/ca.pem"], "--nats-tls-ca: cannot read"),
        ])
    func credentialOptionsAreChecked(_ options: [String], _ message: String) throws {
        let dir = ScratchDirectory("nats-options")
        let primary = dir.sub("primary")
        let r = try lumbung(["relay", "--data-dir", primary, "--nats", "nats://127.0.0.1:1"] + options)
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: primary))
    }

    @Test("a password and a token together are refused; a password file's content is never printed")
    func oneIdentity() throws {
        let dir = ScratchDirectory("nats-identity")
        try "s3cret-password".write(toFile: dir.sub("password"), atomically: true, encoding: .utf8)
        try "s3cret-token".write(toFile: dir.sub("token"), atomically: true, encoding: .utf8)
        let r = try lumbung([
            "relay", "--data-dir", dir.sub("primary"), "--nats", "nats://127.0.0.1:1", "--nats-user", "relay", "--nats-password-file",
            dir.sub("password"), "--nats-token-file", dir.sub("token"),
        ])
        #expect(r.status != 0)
        #expect(r.stderr.contains("give one NATS identity"), "\(r.stderr)")
        #expect(!r.stderr.contains("s3cret") && !r.stdout.contains("s3cret"))
    }
}

extension AuthenticatedReplicationTests {
    /// A CA and a server certificate for 127.0.0.1 (openssl), in `dir`; nil when openssl is missing.
    static func certificates(_ dir: ScratchDirectory) throws -> (ca: String, cert: String, key: String)? {
        guard let openssl = Binaries.which("openssl") else { return nil }
        let ca = dir.sub("ca.pem")
        let cert = dir.sub("server.pem")
        let key = dir.sub("server.key")
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: dir.sub("ext.cnf"), atomically: true, encoding: .utf8)
        let steps: [[String]] = [
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", dir.sub("ca.key"),
                "-out", ca, "-days", "2", "-subj", "/CN=lumbung-test-ca",
            ],
            [
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out",
                dir.sub("server.csr"), "-subj", "/CN=127.0.0.1",
            ],
            [
                "x509", "-req", "-in", dir.sub("server.csr"), "-CA", ca, "-CAkey", dir.sub("ca.key"), "-CAcreateserial", "-out", cert,
                "-days", "2", "-extfile", dir.sub("ext.cnf"),
            ],
        ]
        for step in steps {
            let r = try run(openssl, step)
            try #require(r.status == 0, "openssl \(step[0]): \(r.stderr)")
        }
        return (ca, cert, key)
    }

    @Test(
        "with a server requiring TLS: a client given its CA connects and reads JetStream; one without TLS, or trusting another CA, is refused"
    )
    func tlsRequired() async throws {
        let dir = ScratchDirectory("nats-tls")
        guard let pem = try Self.certificates(dir) else { return }
        let tls = """
            tls {
              cert_file: "\(pem.cert)"
              key_file: "\(pem.key)"
            }

            """
        guard let server = try await NATSCluster.running(size: 1, directory: dir.path, extraConfig: tls) else { return }
        defer { server.killAll() }
        let urls = NATSConnection.urls(from: server.urls)
        var credentials = NATSConnection.Credentials()
        credentials.tlsCAFile = pem.ca
        let connection = try NATSConnection(urls: urls, name: "tls", credentials: credentials)
        let js = try JetStream(connection: connection)
        #expect(try js.streamInfo("LUMBUNG") == nil)
        #expect(throws: NATSError.self) { _ = try NATSConnection(urls: urls, name: "plain", timeout: .seconds(2)) }
        // Trusting only a CA that did not sign the server's certificate.
        let other = ScratchDirectory("nats-tls-other")
        let otherPem = try #require(try Self.certificates(other))
        var wrong = NATSConnection.Credentials()
        wrong.tlsCAFile = otherPem.ca
        #expect(throws: NATSError.self) { _ = try NATSConnection(urls: urls, name: "wrong-ca", credentials: wrong, timeout: .seconds(2)) }
    }
}

extension AuthenticatedReplicationTests {
    @Test("follow warns when the replica's data directory holds a signing key, and never uses it")
    func warnsOfASigningKey() async throws {
        let dir = ScratchDirectory("replica-key")
        let replica = dir.sub("replica")
        let key = try AuditSigningKey.loadOrCreate(dataDirectory: replica)
        let follower = try Child(
            "follow", executable: Binaries.lumbung,
            arguments: [
                "follow", "--data-dir", replica, "--nats", "nats://127.0.0.1:\(freePort())", "--primary-key", testSigningKey.publicKeyHex,
            ],
            logDirectory: dir.path)
        defer { follower.kill() }
        #expect(await eventually(timeout: .seconds(30)) { follower.log.contains("a replica never signs") }, "\(follower.log)")
        // Marked as a replica (before it connects) by now.
        #expect(await eventually(timeout: .seconds(30)) { follower.log.contains("cannot connect to NATS") }, "\(follower.log)")
        follower.kill(SIGTERM)
        // Its digest is not signed by that key: the replica has no primary head yet.
        let digest = try lumbung(["audit", "digest", "--data-dir", replica])
        #expect(digest.status != 0)
        #expect(digest.stderr.contains("no signed head of its primary"), "\(digest.stderr)")
        #expect(!digest.stdout.contains(key.publicKeyHex))
    }
}
