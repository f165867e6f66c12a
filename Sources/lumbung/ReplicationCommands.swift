import ArgumentParser
import EventLog
import Foundation
import Hummingbird
import LumbungCore
import QueryService
import Replication

/// Options shared by `relay` and `follow`: where JetStream is and what the stream is called.
struct JetStreamOptions: ParsableArguments {
    @Option(help: ArgumentHelp("NATS server URLs, comma-separated (nats://host:4222,...).", valueName: "URL[,URL...]"))
    var nats: String
    @Option(help: "JetStream stream name.") var stream = "LUMBUNG"
    @Option(name: .customLong("subject-prefix"), help: "Subjects are <prefix>.<category>.<type>; the stream takes <prefix>.>.")
    var subjectPrefix = "lumbung"

    var urls: [String] { NATSConnection.urls(from: nats) }

    func validate() throws {
        guard !urls.isEmpty else { throw ValidationError("--nats needs at least one URL") }
        guard stream.utf8.allSatisfy({ Self.nameCharacter($0) }), !stream.isEmpty else {
            throw ValidationError("--stream may hold only letters, digits, - and _")
        }
        let tokens = subjectPrefix.split(separator: ".", omittingEmptySubsequences: false)
        guard !subjectPrefix.isEmpty, tokens.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { Self.nameCharacter($0) } }) else {
            throw ValidationError("--subject-prefix must be dot-separated tokens of letters, digits, - and _")
        }
    }

    static func nameCharacter(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c == 0x2D || c == 0x5F
    }
}

/// One line to stderr, with the time: what a long-running command reports.
func logLine(_ command: String) -> @Sendable (String) -> Void {
    { message in Console.message("\(Timestamp.now()) lumbung \(command): \(message)") }
}

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
                last sequence. Its lag (head - last published) is logged every 5 seconds when it \
                changes and, with --metrics-port, served as Prometheus text on /metrics.
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var jetStream: JetStreamOptions
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
            let log = logLine("relay")
            let relay = Replication.Relay(store: store, configuration: configuration, log: log)
            log("relaying \(self.store.resolvedDataDirectory) to stream \(jetStream.stream) at \(jetStream.nats)")
            let metricsPort = self.metricsPort
            let metricsHost = self.metricsHost
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await relay.run() }
                group.addTask { await Self.reportLag(relay, log: log) }
                if let metricsPort {
                    group.addTask { try await Self.serveMetrics(relay, host: metricsHost, port: metricsPort) }
                }
                // The relay ends only by failing (or being cancelled): then stop the rest.
                try await group.next()
                group.cancelAll()
            }
        }

        static func reportLag(_ relay: Replication.Relay, log: @Sendable (String) -> Void) async {
            var last: Replication.Relay.Status? = nil
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(5))
                let status = relay.status()
                if status != last {
                    log("head \(status.head), published \(status.published), lag \(status.lag)")
                    last = status
                }
            }
        }

        /// The relay's gauges in Prometheus' text format.
        static func metricsText(_ s: Replication.Relay.Status) -> String {
            """
            # HELP lumbung_relay_lag_events Events of the log not yet confirmed by JetStream (head - published).
            # TYPE lumbung_relay_lag_events gauge
            lumbung_relay_lag_events \(s.lag)
            # HELP lumbung_relay_published_position Last position JetStream confirmed holding.
            # TYPE lumbung_relay_published_position gauge
            lumbung_relay_published_position \(s.published)
            # HELP lumbung_log_head_position Head position of the log.
            # TYPE lumbung_log_head_position gauge
            lumbung_log_head_position \(s.head)

            """
        }

        static func serveMetrics(_ relay: Replication.Relay, host: String, port: Int) async throws {
            let router = Router(context: BasicRequestContext.self)
            router.get("/metrics") { _, _ -> Response in
                var headers = HTTPFields()
                headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
                return Response(
                    status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: metricsText(relay.status()))))
            }
            let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "lumbung-relay"))
            try await app.run()
        }
    }

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
        @OptionGroup var jetStream: JetStreamOptions
        @Option(help: "Durable consumer name (default: derived from this host and data directory).") var durable: String?
        @Option(help: "Most events fetched and appended at once (one transaction).") var batch = EventStore.maxReplicatedEvents
        @Flag(help: "Accept a data directory that has events but is not a replica yet (a copy of the primary's log).")
        var adopt = false
        @Option(name: .customLong("lag-log"), help: ArgumentHelp("Append '<position> <ms behind the primary> <commit time in ms since 1970>' per committed batch to FILE (benchmarks).", valueName: "FILE"))
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
            let result: Result<Void, ReplicationError> = await withCheckedContinuation { continuation in
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
            if case .failure(let error) = result { throw CLIError(error.message) }
        }
    }
}
