import ArgumentParser
import EventLog
import Foundation
import Logging
import LumbungCore
import PersonalData
import Projections
import Replication
import ServiceLifecycle

extension Lumbung {
    /// `lumbung follow`: a read replica fed from JetStream.
    struct Follow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Be a read replica: append the stream's events verbatim to this data directory.",
            discussion: """
                Trusts only the primary's key (--primary-key, what `lumbung audit public-key` prints \
                on the primary): fetched events are held until a message carries a tree head signed \
                by that key at its position, then appended in one transaction that commits only if \
                this log's Merkle root matches the signed root. Each event's position, prevHash and \
                hash are checked against this log's head, stored verbatim, and the views kept \
                current. Anything that does not verify is refused: nothing of its run is written and \
                the command exits 1 naming the position. The replica serves the primary's signed \
                head as its digest and makes no signing key. Records the stream's last sequence, and \
                why it stopped, in <data-dir>/replication.json for stats and /health. Serve the replica with lumbung serve --read-only PRIMARY_URL \
                (another process on the same data directory). Copy the primary's secret.key into \
                the data directory first, or PIN lookups will not match. With --replication-key-file \
                (the primary's replication.key), each subject its events name gets its key from the \
                bucket --key-bucket into this replica's own vault (and its NIK index), and \
                privacy.subject-forgotten forgets it here; without it, personal fields read [dihapus]. \
                A key the bucket lacks is logged, never fatal; another replication key is refused (exit \
                64) before anything is opened.
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var configFile: ConfigFileOption
        @OptionGroup var jetStream: JetStreamOptions
        @OptionGroup var keys: KeyReplicationOptions
        @Option(
            name: .customLong("primary-key"),
            help: ArgumentHelp(
                "The primary's audit public key (hex, or @FILE), as `lumbung audit public-key` prints it on the primary.",
                valueName: "HEX|@FILE"))
        var primaryKey: String?
        @Option(
            name: .customLong("signed-head-wait"),
            help: "Seconds fetched events may wait for a signed head of the primary before they are refused.")
        var signedHeadWait = 300
        @Option(help: "Durable consumer name (default: derived from this host and data directory).") var durable: String?
        @Option(help: "Most events fetched and appended at once (one transaction).") var batch = EventStore.maxReplicatedEvents
        @Flag(help: "Accept a data directory that has events but is not a replica yet (a copy of the primary's log).")
        var adopt = false
        @Option(
            name: .customLong("lag-log"),
            help: ArgumentHelp(
                "Append '<position> <ms behind the primary> <commit time in ms since 1970>' per committed batch to FILE (benchmarks).",
                valueName: "FILE"))
        var lagLog: String?

        func validate() throws {
            if let durable {
                guard !durable.isEmpty, durable.utf8.allSatisfy({ JetStreamOptions.nameCharacter($0) }) else {
                    throw ValidationError("--durable may hold only letters, digits, - and _")
                }
            }
            guard (1...EventStore.maxReplicatedEvents).contains(batch) else {
                throw ValidationError("--batch must be 1-\(EventStore.maxReplicatedEvents)")
            }
            guard let primaryKey else {
                throw ValidationError(
                    "--primary-key is required: the primary's audit public key (lumbung audit public-key on the primary), the only key a replica trusts"
                )
            }
            do { _ = try PinnedKey.parse(primaryKey, from: "--primary-key") } catch let error as CLIError {
                throw ValidationError(error.message)
            }
            guard (1...86_400).contains(signedHeadWait) else { throw ValidationError("--signed-head-wait must be 1-86400 seconds") }
        }

        func run() async throws {
            let directory = store.resolvedDataDirectory
            let logger = commandLogger("follow")
            let log: @Sendable (String) -> Void = { logger.info("\($0)") }
            let credentials = try jetStream.credentials(environment: ProcessInfo.processInfo.environment)
            // The replication key is checked against the bucket before anything is opened.
            var replicationKey: ReplicationKey? = nil
            if let file = keys.replicationKeyFile {
                do {
                    replicationKey = try ReplicationKey.load(path: file)
                } catch {
                    throw ValidationError("--replication-key-file: \(error.message)")
                }
                try FollowerKeyImporter.checkKey(
                    replicationKey!, bucketName: keys.keyBucket, urls: jetStream.urls, credentials: credentials, logger: logger)
            } else {
                log("no --replication-key-file: this replica gets no subject keys and serves personal fields as erased")
            }
            let services = try LumbungServices(dataDirectory: directory)
            defer { services.close() }
            try services.engine.start()
            let key = try PinnedKey.parse(primaryKey ?? "", from: "--primary-key")
            var configuration = Follower.Configuration(
                urls: jetStream.urls, durable: durable ?? Follower.defaultDurable(dataDirectory: directory), primaryKey: key)
            configuration.credentials = credentials
            configuration.signedHeadWait = .seconds(signedHeadWait)
            configuration.stream = jetStream.stream
            configuration.subjectPrefix = jetStream.subjectPrefix
            configuration.batchSize = batch
            configuration.adopt = adopt
            configuration.lagLog = lagLog
            if let replicationKey {
                let importer = FollowerKeyImporter(
                    vault: services.vault, store: services.store, key: replicationKey, bucketName: keys.keyBucket, urls: jetStream.urls,
                    credentials: credentials, logger: logger)
                importer.catchUp(store: services.store)
                configuration.afterApplying = { importer.afterApplying($0) }
                log("getting subject keys from bucket \(keys.keyBucket), opened with \(replicationKey.path)")
            }
            let follower = Follower(store: services.store, dataDirectory: directory, configuration: configuration, logger: logger)
            // A replica never signs: a signing key here (a copied or adopted primary's directory)
            // is unused, and is the primary's secret if it is the primary's.
            let signingKey = (directory as NSString).appendingPathComponent(AuditSigningKey.fileName)
            if FileManager.default.fileExists(atPath: signingKey) {
                logger.warning(
                    "\(signingKey) is a signing key in a replica's data directory: a replica never signs and does not use it; remove it (keep the primary's key on the primary only)"
                )
            }
            log("following stream \(jetStream.stream) at \(jetStream.nats) into \(directory) (consumer \(configuration.durable))")
            // Until SIGTERM or SIGINT: then the batch in hand is committed, the log closes
            // (`defer` above) and the command exits 0.
            try await ServiceGroup.stoppedBySignals([.init(service: FollowerService(follower: follower, log: log))]).run()
        }
    }
}

/// The follower as a service: its blocking loop runs on a thread of its own until it fails
/// (the service throws why) or the group shuts down (`Follower.stop`: the loop returns once the
/// batch being committed is durable, within about a fetch's wait).
struct FollowerService: Service {
    let follower: Follower
    let log: @Sendable (String) -> Void

    func run() async throws {
        let follower = self.follower
        let log = self.log
        let result: Result<Void, ReplicationError> = await withTaskCancellationOrGracefulShutdownHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    do throws(ReplicationError) {
                        try follower.run()
                        continuation.resume(returning: .success(()))
                    } catch {
                        continuation.resume(returning: .failure(error))
                    }
                }
                thread.name = "lumbung-follow"
                thread.start()
            }
        } onCancelOrGracefulShutdown: {
            log("stopping: committing the batch in hand")
            follower.stop()
        }
        if case .failure(let error) = result { throw CLIError(error.message) }
        log("stopped at position \((try? follower.store.head().position) ?? 0)")
    }
}
