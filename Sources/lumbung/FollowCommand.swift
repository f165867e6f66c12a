import ArgumentParser
import EventLog
import Foundation
import LumbungCore
import Projections
import Replication
import ServiceLifecycle

extension Lumbung {
    /// `lumbung follow`: a read replica fed from JetStream.
    struct Follow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Be a read replica: append the stream's events verbatim to this data directory.",
            discussion: """
                Consumes the stream with a durable consumer, checks each event's position, prevHash \
                and hash against this log's head, stores it verbatim and keeps the views current. \
                Anything that does not fit the chain is refused: the command exits 1 naming the \
                position. Records the stream's last sequence in <data-dir>/replication.json for \
                stats and /health. Serve the replica with lumbung serve --read-only PRIMARY_URL \
                (another process on the same data directory). Copy the primary's secret.key into \
                the data directory first, or PIN lookups will not match.
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var configFile: ConfigFileOption
        @OptionGroup var jetStream: JetStreamOptions
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
        }

        func run() async throws {
            let directory = store.resolvedDataDirectory
            let services = try LumbungServices(dataDirectory: directory)
            defer { services.close() }
            try services.engine.start()
            var configuration = Follower.Configuration(
                urls: jetStream.urls, durable: durable ?? Follower.defaultDurable(dataDirectory: directory))
            configuration.stream = jetStream.stream
            configuration.subjectPrefix = jetStream.subjectPrefix
            configuration.batchSize = batch
            configuration.adopt = adopt
            configuration.lagLog = lagLog
            let log = logLine("follow")
            let follower = Follower(store: services.store, dataDirectory: directory, configuration: configuration, log: log)
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
