import ArgumentParser
import EventLog
import Foundation
import Logging
import LumbungCore
import Metrics
import PersonalData
import QueryService
import Replication
import ServiceLifecycle

extension Lumbung {
    /// `lumbung relay`: publishes the log to JetStream, position = stream sequence.
    struct Relay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish the log, in position order, to a JetStream stream (run it on the primary).",
            discussion: """
                Every event goes to subject <prefix>.<category>.<type> with its export JSON as body, \
                Nats-Msg-Id = its id and Nats-Expected-Last-Sequence = position - 1: the stream's \
                sequence is the log's position, with no gap and no duplicate, even when relays are \
                killed, restarted or run twice. Creates the stream when missing and resumes from its \
                last sequence. The last message of every run carries the primary's signed tree head \
                (header Lumbung-Signed-Head, signed with <data-dir>/audit-signing.key, the key of \
                /v1/audit/digest): replicas commit only what such a head covers. Its lag (head - last \
                published) is logged every 5 seconds when it changes and, with --metrics-port, served \
                as Prometheus text on /metrics. With --replication-key-file, before it publishes an \
                event sealed under a subject's key it puts that key (sealed under the replication key, \
                made 0600 when the file is missing) in the key-value bucket --key-bucket (history 1), \
                acknowledged; before it publishes privacy.subject-forgotten it purges the key. Copy the \
                replication key to the replicas (lumbung follow --replication-key-file).
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var configFile: ConfigFileOption
        @OptionGroup var jetStream: JetStreamOptions
        @OptionGroup var keys: KeyReplicationOptions
        @Option(help: "Copies JetStream keeps of the stream (when it creates it).") var replicas = 3
        @Option(name: .customLong("metrics-port"), help: "Serve the relay's lag as Prometheus text on http://<metrics-host>:PORT/metrics.")
        var metricsPort: Int?
        @Option(name: .customLong("metrics-host"), help: "Address of the metrics endpoint.") var metricsHost = "127.0.0.1"
        @Option(name: .customLong("max-in-flight"), help: "Most events published and awaiting their acknowledgment at once.")
        var maxInFlight = 8192
        @Option(name: .customLong("run-length"), help: "Most events per run, of which JetStream acknowledges the last (1: every event).")
        var runLength = 256

        func validate() throws {
            guard (1...5).contains(replicas) else { throw ValidationError("--replicas must be 1-5") }
            if let metricsPort, !(1...65535).contains(metricsPort) { throw ValidationError("--metrics-port must be 1-65535") }
            guard (1...1_000_000).contains(maxInFlight) else { throw ValidationError("--max-in-flight must be 1-1000000") }
            guard (1...65_536).contains(runLength) else { throw ValidationError("--run-length must be 1-65536") }
        }

        func run() async throws {
            let store = try self.store.openStore()
            defer { store.close() }
            var configuration = Replication.Relay.Configuration(urls: jetStream.urls)
            configuration.stream = jetStream.stream
            configuration.subjectPrefix = jetStream.subjectPrefix
            configuration.replicas = replicas
            configuration.maxInFlight = maxInFlight
            configuration.runLength = runLength
            configuration.credentials = try jetStream.credentials(environment: ProcessInfo.processInfo.environment)
            let logger = commandLogger("relay")
            let log: @Sendable (String) -> Void = { logger.info("\($0)") }
            let key = try AuditSigningKey.loadOrCreate(dataDirectory: self.store.resolvedDataDirectory)
            let (vault, publisher) = try openKeyPublisher(store, credentials: configuration.credentials, logger: logger)
            defer { try? vault?.close() }
            if let publisher {
                configuration.beforePublishing = { try publisher.beforePublishing($0) }
                configuration.beforePublishingTypes = RelayKeyPublisher.types
                log("replicating subject keys to bucket \(keys.keyBucket), sealed under \(publisher.key.path)")
            }
            let relay = Replication.Relay(store: store, signingKey: key, configuration: configuration, logger: logger)
            log(
                "relaying \(self.store.resolvedDataDirectory) to stream \(jetStream.stream) at \(jetStream.nats), runs signed by key \(key.publicKeyHex)"
            )
            // Until SIGTERM or SIGINT: the relay stops first (what it published is acknowledged),
            // then the lag reports and the metrics endpoint; the log closes (`defer` above) and the
            // command exits 0. The relay ends by itself only by failing: that ends the rest.
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
            if let metricsPort {
                services.append(
                    .init(
                        service: buildMetricsEndpoint(host: metricsHost, port: metricsPort, serverName: "lumbung-relay") {
                            Self.recordGauges(relay.status())
                        }))
            }
            services.append(.init(service: LagReporter(relay: relay, log: log)))
            services.append(.init(service: RelayService(relay: relay, log: log)))
            try await ServiceGroup.stoppedBySignals(services).run()
        }

        /// With `--replication-key-file`: the primary's vault and the publisher of its subject
        /// keys (the key file made when missing; the bucket opened and the key checked against
        /// it now when NATS answers). Refuses (exit 64) a data directory without a vault and a
        /// key that is not the one the bucket's keys are sealed under.
        func openKeyPublisher(_ store: EventStore, credentials: NATSConnection.Credentials, logger: Logger) throws -> (
            Vault?, RelayKeyPublisher?
        ) {
            guard let file = keys.replicationKeyFile else { return (nil, nil) }
            let directory = self.store.resolvedDataDirectory
            guard FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(VaultKeyFile.fileName)) else {
                throw ValidationError(
                    "--replication-key-file: \(directory) has no vault (\(VaultKeyFile.fileName)): there are no subject keys to replicate")
            }
            let loaded: (key: ReplicationKey, created: Bool)
            do {
                loaded = try ReplicationKey.loadOrCreate(path: file)
            } catch {
                throw ValidationError("--replication-key-file: \(error.message)")
            }
            if loaded.created { logger.info("made the replication key \(file) (0600): copy it to every replica") }
            let masterKey = try VaultKeyFile.load(dataDirectory: directory, store: store)
            let vault = try Vault(directory: (directory as NSString).appendingPathComponent(Vault.directoryName), masterKey: masterKey)
            let publisher = RelayKeyPublisher(
                vault: vault, key: loaded.key, forgottenInLog: try RelayKeyPublisher.forgottenSubjects(in: store),
                bucketName: keys.keyBucket, urls: jetStream.urls, credentials: credentials, replicas: replicas, logger: logger)
            do {
                _ = try publisher.openBucket()
            } catch let mismatch as RelayKeyPublisher.Mismatch {
                try? vault.close()
                throw ValidationError(mismatch.description)
            } catch {
                logger.warning("cannot open bucket \(keys.keyBucket) now (tried again before the first key): \(error)")
            }
            return (vault, publisher)
        }

        /// Sets the relay's gauges (swift-metrics) from its status.
        static func recordGauges(_ s: Replication.Relay.Status) {
            Gauge(label: "lumbung_relay_lag_events").record(Int64(s.lag))
            Gauge(label: "lumbung_relay_published_position").record(Int64(s.published))
            Gauge(label: "lumbung_log_head_position").record(Int64(s.head))
        }
    }
}

/// The relay as a service: a graceful shutdown (SIGTERM, SIGINT) stops it publishing and it
/// returns once JetStream has acknowledged what it sent (`Relay.stop`).
struct RelayService: Service {
    let relay: Replication.Relay
    let log: @Sendable (String) -> Void

    func run() async throws {
        let relay = self.relay
        let log = self.log
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await relay.run()
        } onCancelOrGracefulShutdown: {
            log("stopping: waiting for the acknowledgments of what was published")
            relay.stop()
        }
        let status = relay.status()
        log("stopped: head \(status.head), published \(status.published), lag \(status.lag)")
    }
}

/// Logs the relay's head, published position and lag every 5 seconds when they change.
struct LagReporter: Service {
    let relay: Replication.Relay
    let log: @Sendable (String) -> Void

    func run() async throws {
        var last: Replication.Relay.Status? = nil
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(5)) }
            guard !Task.isCancelled && !Task.isShuttingDownGracefully else { return }
            let status = relay.status()
            if status != last {
                log("head \(status.head), published \(status.published), lag \(status.lag)")
                last = status
            }
        }
    }
}
