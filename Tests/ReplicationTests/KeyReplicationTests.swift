import Crypto
import DocumentTracking
import EventLog
import Foundation
import JSON
import LumbungCore
import PersonalData
import Replication
import Testing

/// Issue 14: a replica gets the subject keys through a JetStream key-value bucket (history 1),
/// purged on erasure; a replica without the replication key serves the non-personal data only.
/// The real `nats-server` and the real `lumbung` binary (relay, follow, privacy).
@Suite("Key replication", .serialized)
struct KeyReplicationTests {
    static let nik = "5271010101900002"
    static let name = "Lalu Muhammad Zainul"
    static let phone = "081355512345"
    static let bucket = "lumbung-keys"

    /// Submits an application with a NIK, a name and a phone through the documents domain of
    /// the primary in `directory`; returns its receipt number and its applicant's subject.
    static func submitApplication(_ directory: String, nik: String = nik, name: String = name) async throws -> (
        receipt: String, subject: String
    ) {
        let services = try LumbungServices(dataDirectory: directory)
        defer { services.close() }
        let body = try JSONParser.parse(
            #"{"documentType":"ktp-el","office":"dukcapil-mataram","channel":"counter","applicant":{"nik":"\#(nik)","name":"\#(name)","phone":"\#(phone)"}}"#
        )
        let command = try DocumentTrackingCommand.parse(DocumentTrackingCommand.submitApplicationName, body: body)
        let decision = try services.rules.withCurrentState(services.store) {
            try services.domains.documents.decide(command, now: Timestamp.now())
        }
        _ = try await services.write(decision.events, actor: "test")
        let receipt = try #require(decision.ids["receiptNumber"])
        let subject = try #require(try services.vault.subject(.nik, nik))
        return (receipt, subject)
    }

    /// `lumbung privacy export` of `dataDir` as JSON (`--nik` or `--subject`).
    static func export(_ dataDir: String, _ who: [String]) throws -> (status: Int32, json: [String: Any]?, stderr: String) {
        let r = try lumbung(["privacy", "export", "--data-dir", dataDir] + who)
        return (r.status, (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any], r.stderr)
    }

    static func applicant(_ export: [String: Any]?) -> [String: Any]? {
        ((export?["applications"] as? [[String: Any]])?.first)?["applicant"] as? [String: Any]
    }

    /// The replica's vault opened directly (under its own vault.key), without applying its log.
    static func vault(_ dataDir: String) throws -> Vault {
        let key = try #require(FileManager.default.contents(atPath: dataDir + "/vault.key"))
        return try Vault(directory: dataDir + "/vault", masterKey: SymmetricKey(data: key))
    }

    static func writeKey(_ path: String, _ bytes: [UInt8]) throws {
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]))
    }

    @Test(
        "relay with a replication key -> a follower with it serves the fields and finds the NIK; forget purges the bucket and the replica's key; no key: erased; a wrong key: refused"
    )
    func keysReplicatedAndPurged() async throws {
        let dir = ScratchDirectory("keys")
        guard let server = try await NATSCluster.running(size: 1, directory: dir.path) else { return }
        defer { server.killAll() }
        let primary = dir.sub("primary")
        let replica = dir.sub("replica")
        let bare = dir.sub("replica-without-key")
        let refused = dir.sub("replica-wrong-key")
        let (receipt, subject) = try await Self.submitApplication(primary)
        for r in [replica, bare] {
            try FileManager.default.createDirectory(atPath: r, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: primary + "/secret.key", toPath: r + "/secret.key")
        }

        // The relay makes the replication key (0600); the operator copies it to the replica.
        let primaryKeyFile = dir.sub("replication.key")
        let relay = try Child(
            "relay", executable: Binaries.lumbung,
            arguments: [
                "relay", "--data-dir", primary, "--nats", server.urls, "--replicas", "1", "--replication-key-file", primaryKeyFile,
            ], logDirectory: dir.path)
        defer { relay.kill() }
        #expect(await eventually(timeout: .seconds(60)) { FileManager.default.fileExists(atPath: primaryKeyFile) }, "\(relay.log)")
        var info = stat()
        #expect(stat(primaryKeyFile, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let keyBytes = try #require(FileManager.default.contents(atPath: primaryKeyFile))
        #expect(keyBytes.count == 32)
        let replicaKeyFile = dir.sub("replica-replication.key")
        try Self.writeKey(replicaKeyFile, Array(keyBytes))

        let follower = try ReplicationClusterTests.follower(
            server.urls, replica, dir, name: "follow", primary: primary, extra: ["--replication-key-file", replicaKeyFile])
        defer { follower.kill() }
        let withoutKey = try ReplicationClusterTests.follower(server.urls, bare, dir, name: "follow-bare", primary: primary)
        defer { withoutKey.kill() }
        let heads = ReplicationClusterTests.Heads()
        defer { heads.close() }
        let head = heads.head(primary)
        #expect(
            await eventually(timeout: .seconds(120)) { heads.head(replica) == head && heads.head(bare) == head },
            "\(relay.log)\n\(follower.log)\n\(withoutKey.log)")

        // The bucket holds the key, sealed (not the data key in clear), history 1.
        let connection = try NATSConnection(urls: NATSConnection.urls(from: server.urls), name: "test")
        let js = try JetStream(connection: connection)
        let bucket = try #require(try KeyValueBucket.open(Self.bucket, in: js, create: false))
        #expect(try bucket.history() == 1)
        let sealed = try #require(try bucket.get(subject), "\(relay.log)")
        #expect(sealed.count == 12 + 32 + 16)

        // The replica's own vault holds the key (imported by the follower, wrapped under its vault.key).
        #expect(
            await eventually(timeout: .seconds(60)) { (try? Self.vault(replica).hasKey(subject)) == true }, "\(follower.log)")
        let replicaVaultKey = try #require(FileManager.default.contents(atPath: replica + "/vault.key"))
        #expect(replicaVaultKey != FileManager.default.contents(atPath: primary + "/vault.key"))

        // It serves the fields, and finds the application by NIK.
        let opened = try Self.export(replica, ["--subject", subject])
        #expect(opened.status == 0, "\(opened.stderr)")
        let applicant = try #require(Self.applicant(opened.json), "\(opened)")
        #expect(applicant["nik"] as? String == Self.nik)
        #expect(applicant["name"] as? String == Self.name)
        #expect(applicant["phone"] as? String == Self.phone)
        #expect(applicant["erased"] as? Bool == false)
        let byNIK = try Self.export(replica, ["--nik", Self.nik])
        #expect(byNIK.status == 0, "\(byNIK.stderr)")
        #expect(byNIK.json?["subject"] as? String == subject)
        #expect(Self.applicant(byNIK.json)?["receiptNumber"] as? String == receipt)

        // Without the replication key: the same log, every personal field erased, still following.
        let erasedHere = try Self.export(bare, ["--subject", subject])
        #expect(erasedHere.status == 0, "\(erasedHere.stderr)")
        #expect(Self.applicant(erasedHere.json)?["name"] as? String == ApplicantRecord.erasedText, "\(erasedHere)")
        #expect(Self.applicant(erasedHere.json)?["erased"] as? Bool == true)
        #expect(try !Self.vault(bare).hasKey(subject))
        #expect(withoutKey.isRunning, "\(withoutKey.log)")

        // A wrong replication key: refused (64) naming the file, before the data directory is opened.
        let wrongKeyFile = dir.sub("wrong-replication.key")
        try Self.writeKey(wrongKeyFile, (0..<32).map { _ in UInt8.random(in: 0...255) })
        let wrong = try lumbung(
            [
                "follow", "--data-dir", refused, "--nats", server.urls, "--primary-key", try ReplicationClusterTests.primaryKey(primary),
                "--replication-key-file", wrongKeyFile,
            ], timeout: .seconds(60))
        #expect(wrong.status == 64, "\(wrong.stdout)\n\(wrong.stderr)")
        #expect(wrong.stderr.contains(wrongKeyFile), "\(wrong.stderr)")
        #expect(!FileManager.default.fileExists(atPath: refused + "/log"))
        #expect(!FileManager.default.fileExists(atPath: refused + "/vault"))

        // Forgotten on the primary: the relay purges the key before it publishes the event.
        let forget = try lumbung(["privacy", "forget", "--data-dir", primary, "--nik", Self.nik])
        #expect(forget.status == 0, "\(forget.stderr)")
        let forgottenHead = heads.head(primary)
        #expect(forgottenHead == head + 1)
        #expect(
            await eventually(timeout: .seconds(120)) { heads.head(replica) == forgottenHead && heads.head(bare) == forgottenHead },
            "\(relay.log)\n\(follower.log)")
        #expect(try bucket.get(subject) == nil)
        let stream = try #require(try js.streamInfo(KeyValueBucket.streamName(Self.bucket)))
        var held: [UInt8] = []
        if stream.lastSequence >= stream.firstSequence && stream.messages > 0 {
            for sequence in stream.firstSequence...stream.lastSequence {
                if let message = try js.storedMessage(stream: KeyValueBucket.streamName(Self.bucket), sequence: sequence) {
                    held += message.data
                    #expect(message.data != sealed)
                }
            }
        }
        #expect(held.firstRange(of: sealed) == nil)
        #expect(held.firstRange(of: Array(sealed.suffix(16))) == nil)
        // The follower forgot it in the replica's vault (read before any command reapplies the log).
        #expect(
            await eventually(timeout: .seconds(60)) {
                let v = try? Self.vault(replica)
                return (try? v?.hasKey(subject)) == false && (try? v?.isForgotten(subject)) == true
            }, "\(follower.log)")
        let erased = try Self.export(replica, ["--subject", subject])
        #expect(erased.json?["forgotten"] as? Bool == true, "\(erased)")
        #expect(Self.applicant(erased.json)?["name"] as? String == ApplicantRecord.erasedText)
        #expect(Self.applicant(erased.json)?["nik"] as? String == ApplicantRecord.erasedText)
        #expect(try Self.export(replica, ["--nik", Self.nik]).status != 0)

        // A relay that resumes does not put the forgotten subject's key again.
        relay.kill(SIGTERM)
        let again = try Child(
            "relay-again", executable: Binaries.lumbung,
            arguments: [
                "relay", "--data-dir", primary, "--nats", server.urls, "--replicas", "1", "--replication-key-file", primaryKeyFile,
            ], logDirectory: dir.path)
        defer { again.kill() }
        #expect(await eventually(timeout: .seconds(60)) { again.log.contains("last sequence") }, "\(again.log)")
        try await Task.sleep(for: .seconds(1))
        #expect(try bucket.get(subject) == nil)
        #expect(follower.isRunning && withoutKey.isRunning, "\(follower.log)\n\(withoutKey.log)")
    }

    @Test(
        "a relay started after an erasure never puts the forgotten subject's key; a replica followed without the key gets the others' keys when restarted with it"
    )
    func forgottenBeforeRelayAndCatchUp() async throws {
        let dir = ScratchDirectory("keys-late")
        guard let server = try await NATSCluster.running(size: 1, directory: dir.path) else { return }
        defer { server.killAll() }
        let primary = dir.sub("primary")
        let replica = dir.sub("replica")
        let otherNIK = "5271010101900004"
        let (_, forgotten) = try await Self.submitApplication(primary)
        let (_, kept) = try await Self.submitApplication(primary, nik: otherNIK, name: "Baiq Sri Wahyuni")
        let forget = try lumbung(["privacy", "forget", "--data-dir", primary, "--nik", Self.nik])
        #expect(forget.status == 0, "\(forget.stderr)")
        try FileManager.default.createDirectory(atPath: replica, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: primary + "/secret.key", toPath: replica + "/secret.key")

        let keyFile = dir.sub("replication.key")
        let relay = try Child(
            "relay", executable: Binaries.lumbung,
            arguments: ["relay", "--data-dir", primary, "--nats", server.urls, "--replicas", "1", "--replication-key-file", keyFile],
            logDirectory: dir.path)
        defer { relay.kill() }
        // First followed without the replication key: erased, and it keeps following.
        let bare = try ReplicationClusterTests.follower(server.urls, replica, dir, name: "follow-bare", primary: primary)
        let heads = ReplicationClusterTests.Heads()
        defer { heads.close() }
        let head = heads.head(primary)
        #expect(head == 3)
        #expect(await eventually(timeout: .seconds(120)) { heads.head(replica) == head }, "\(relay.log)\n\(bare.log)")
        #expect(try !Self.vault(replica).hasKey(kept))
        bare.kill(SIGTERM)
        #expect(bare.process.terminationStatus == 0, "\(bare.log)")

        let connection = try NATSConnection(urls: NATSConnection.urls(from: server.urls), name: "test")
        let bucket = try #require(try KeyValueBucket.open(Self.bucket, in: JetStream(connection: connection), create: false))
        #expect(try bucket.get(kept) != nil, "\(relay.log)")
        #expect(try bucket.get(forgotten) == nil, "\(relay.log)")

        // Another relay with another replication key: refused (64) naming its file, before relaying.
        let otherKey = dir.sub("other-replication.key")
        try Self.writeKey(otherKey, (0..<32).map { _ in UInt8.random(in: 0...255) })
        let wrongRelay = try lumbung(
            ["relay", "--data-dir", primary, "--nats", server.urls, "--replicas", "1", "--replication-key-file", otherKey],
            timeout: .seconds(60))
        #expect(wrongRelay.status == 64, "\(wrongRelay.stderr)")
        #expect(wrongRelay.stderr.contains(otherKey), "\(wrongRelay.stderr)")
        // A replication key readable by others: refused (64) naming the file.
        let exposed = dir.sub("exposed-replication.key")
        try Self.writeKey(exposed, Array(try #require(FileManager.default.contents(atPath: keyFile))))
        chmod(exposed, 0o644)
        let refused = try lumbung(
            [
                "follow", "--data-dir", replica, "--nats", server.urls, "--primary-key", try ReplicationClusterTests.primaryKey(primary),
                "--replication-key-file", exposed,
            ], timeout: .seconds(60))
        #expect(refused.status == 64, "\(refused.stderr)")
        #expect(refused.stderr.contains(exposed) && refused.stderr.contains("chmod 600"), "\(refused.stderr)")

        // Restarted with the key: it gets the kept subject's key from the bucket on start.
        let keyCopy = dir.sub("replica-replication.key")
        try Self.writeKey(keyCopy, Array(try #require(FileManager.default.contents(atPath: keyFile))))
        let follower = try ReplicationClusterTests.follower(
            server.urls, replica, dir, name: "follow", primary: primary, extra: ["--replication-key-file", keyCopy])
        defer { follower.kill() }
        #expect(await eventually(timeout: .seconds(60)) { (try? Self.vault(replica).hasKey(kept)) == true }, "\(follower.log)")
        #expect(try !Self.vault(replica).hasKey(forgotten))
        let opened = try Self.export(replica, ["--nik", otherNIK])
        #expect(Self.applicant(opened.json)?["name"] as? String == "Baiq Sri Wahyuni", "\(opened)")
        let erased = try Self.export(replica, ["--subject", forgotten])
        #expect(Self.applicant(erased.json)?["name"] as? String == ApplicantRecord.erasedText, "\(erased)")
        #expect(follower.isRunning, "\(follower.log)")
    }
}
