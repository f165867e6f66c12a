import ArgumentParser
import EventLog
import Foundation
import Hummingbird
import JSON
import Logging
import LumbungCore
import NotificationChannels
import QueryService
import ServiceLifecycle

extension Lumbung {
    /// `lumbung serve`: the HTTP API and the portal.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve the HTTP API and the portal (default 127.0.0.1:8080).")

        @OptionGroup var store: StoreOptions
        @OptionGroup var configFile: ConfigFileOption
        @Option(help: "Address to listen on.") var host = "127.0.0.1"
        @Option(help: "Port to listen on.") var port = 8080
        @Option(name: .customLong("read-only"), help: "Serve as a read replica of the primary at URL: writes answer 403 naming it.")
        var readOnly: String?
        @Option(name: .customLong("lookup-burst"), help: "Receipt lookups a client may make at once.")
        var lookupBurst = 10
        @Option(name: .customLong("lookup-rate"), help: "Receipt lookups a client regains per second.")
        var lookupRate = 1.0
        @Option(
            name: .customLong("trusted-proxy"),
            help: ArgumentHelp(
                "A reverse proxy (an address or CIDR range) whose Forwarded/X-Forwarded-For header names the client; repeatable.",
                valueName: "CIDR"))
        var trustedProxy: [String] = []
        @Option(
            name: .customLong("ready-max-lag"),
            help: ArgumentHelp("/health/ready answers 503 while a view lags the log by more than N events.", valueName: "N"))
        var readyMaxLag: UInt64 = 1000
        @Option(
            name: .customLong("metrics-address"),
            help: ArgumentHelp("Serve /metrics on this address instead of the API's listener.", valueName: "HOST:PORT"))
        var metricsAddress: String?
        @Option(
            name: .customLong("idle-timeout"), help: ArgumentHelp("Close a connection idle for this many seconds.", valueName: "SECONDS"))
        var idleTimeout = 60
        @Option(
            name: .customLong("header-timeout"),
            help: ArgumentHelp("Close a connection that has not sent a whole request head within this many seconds.", valueName: "SECONDS"))
        var headerTimeout = 10
        @Option(
            name: .customLong("max-connections"),
            help: ArgumentHelp("The most connections open at once (more wait in the listen backlog).", valueName: "N"))
        var maxConnections = 1024
        @OptionGroup(title: "Notifications") var notifications: NotificationOptions
        @OptionGroup var log: LogOptions

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be 0-65535") }
            guard lookupBurst >= 1, lookupRate > 0 else { throw ValidationError("--lookup-burst must be >= 1 and --lookup-rate > 0") }
            do { _ = try TrustedProxies(trustedProxy) } catch { throw ValidationError("--trusted-proxy: \(error)") }
            guard idleTimeout >= 1, headerTimeout >= 1 else {
                throw ValidationError("--idle-timeout and --header-timeout must be >= 1 second")
            }
            guard maxConnections >= 1 else { throw ValidationError("--max-connections must be >= 1") }
            if let metricsAddress, Self.hostAndPort(metricsAddress) == nil {
                throw ValidationError("--metrics-address must be HOST:PORT with a port 0-65535 (got \(metricsAddress))")
            }
        }

        /// `HOST:PORT` (`[::1]:9090` for an IPv6 address) split; nil when it is not one.
        static func hostAndPort(_ text: String) -> (host: String, port: Int)? {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
            else { return nil }
            var host = String(text[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return host.isEmpty ? nil : (host, port)
        }

        func run() async throws {
            let logger = log.bootstrap()
            let services = try store.openServices()
            // A replica's log takes no write but the follower's: serving it as a primary would
            // answer every write with a 403 that cannot say where to write.
            if readOnly == nil, let source = try services.store.replicaSource() {
                services.close()
                throw CLIError(
                    "\(store.resolvedDataDirectory) is a read replica of stream \(source) (lumbung follow writes it): serve it with --read-only PRIMARY_URL"
                )
            }
            services.readOnlyPrimary = readOnly
            services.lookupLimiter = RateLimiter(capacity: lookupBurst, refillPerSecond: lookupRate)
            let configuration = ServiceConfiguration(
                host: host, port: port, trustedProxies: try TrustedProxies(trustedProxy), readyMaxLag: readyMaxLag,
                metricsAddress: metricsAddress.flatMap(Self.hostAndPort), idleTimeout: .seconds(idleTimeout),
                headerTimeout: .seconds(headerTimeout), maxConnections: maxConnections)
            // Only the primary records deliveries; a replica's outbox is the primary's.
            let senders = readOnly == nil ? try notifications.senders() : nil
            try await Self.serve(services, configuration: configuration, logger: logger, notifications: senders)
        }

        /// Serves `services` until SIGTERM or SIGINT, as a service group of the log with its views
        /// (`LumbungService`) and the HTTP application, which listens once the views are current.
        /// On either signal the application stops taking connections and finishes the requests in
        /// flight, then the views stop and the log closes, and the command exits 0.
        static func serve(
            _ services: LumbungServices, configuration: ServiceConfiguration, logger: Logger = Logger(label: "lumbung"),
            banner: String? = nil, notifications: NotificationSenders? = nil
        ) async throws {
            let progress = ProgressBox(ProgressBar(label: "views"))
            let store = LumbungService(services) { _, done, total in progress.update(done, total) }
            let app = buildApplication(services, configuration: configuration, logger: logger)
            let http = ServeWhenStarted(
                store: store, app: app,
                banner: banner ?? "lumbung: serving \(services.dataDirectory) on http://\(configuration.host):\(configuration.port)/")
            var group: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: store), .init(service: http)]
            if let notifications {
                group.append(
                    .init(service: NotificationWorker(services: services, startedBy: store, senders: notifications, logger: app.logger)))
            }
            if let metrics = configuration.metricsAddress {
                group.append(
                    .init(
                        service: buildMetricsEndpoint(host: metrics.host, port: metrics.port, serverName: "lumbung") {
                            try ServiceMetrics.recordGauges(services)
                        }))
            }
            try await ServiceGroup.stoppedBySignals(group, logger: app.logger).run()
        }
    }
}

/// The HTTP application of `serve` and `demo`, listening once the views are current (it never
/// answers from views still catching up with the log), with a line on stderr saying where.
struct ServeWhenStarted<App: ApplicationProtocol>: Service {
    let store: LumbungService
    let app: App
    let banner: String

    func run() async throws {
        guard (try? await cancelWhenGracefulShutdown({ [store] in try await store.waitUntilStarted() })) != nil else {
            // Shut down before the views were current, or their start failed (the store's
            // service throws why, and the group is cancelled): nothing to serve.
            try? await gracefulShutdown()
            return
        }
        app.logger.notice("\(banner)")
        try await app.run()
    }
}
