import ArgumentParser
import EventLog
import Foundation
import Hummingbird
import JSON
import Logging
import LumbungCore
import QueryService

extension Lumbung {
    /// `lumbung serve`: the HTTP API and the portal.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve the HTTP API and the portal (default 127.0.0.1:8080).")

        @OptionGroup var store: StoreOptions
        @Option(help: "Address to listen on.") var host = "127.0.0.1"
        @Option(help: "Port to listen on.") var port = 8080
        @Option(name: .customLong("read-only"), help: "Serve as a read replica of the primary at URL: writes answer 403 naming it.")
        var readOnly: String?
        @Option(name: .customLong("lookup-burst"), help: "Receipt lookups a client may make at once.")
        var lookupBurst = 10
        @Option(name: .customLong("lookup-rate"), help: "Receipt lookups a client regains per second.")
        var lookupRate = 1.0

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be 0-65535") }
            guard lookupBurst >= 1, lookupRate > 0 else { throw ValidationError("--lookup-burst must be >= 1 and --lookup-rate > 0") }
        }

        func run() async throws {
            let services = try LumbungServices(dataDirectory: store.resolvedDataDirectory, storeOptions: StoreOptions.storeOptions)
            // A replica's log takes no write but the follower's: serving it as a primary would
            // answer every write with a 403 that cannot say where to write.
            if readOnly == nil, let source = try services.store.replicaSource() {
                services.close()
                throw CLIError(
                    "\(store.resolvedDataDirectory) is a read replica of stream \(source) (lumbung follow writes it): serve it with --read-only PRIMARY_URL")
            }
            services.readOnlyPrimary = readOnly
            services.lookupLimiter = RateLimiter(capacity: lookupBurst, refillPerSecond: lookupRate)
            try await Self.serve(services, host: host, port: port)
        }

        static func serve(_ services: LumbungServices, host: String, port: Int, banner: String? = nil) async throws {
            var progress = ProgressBar(label: "views")
            try services.start { _, done, total in progress.update(done, of: total) }
            let app = buildApplication(services, configuration: ServiceConfiguration(host: host, port: port))
            Console.message(banner ?? "lumbung: serving \(services.dataDirectory) on http://\(host):\(port)/")
            try await app.runService()
            services.close()
        }
    }
}
