import ArgumentParser
import EventLog
import Foundation
import LumbungCore
import QueryService

extension Lumbung {
    /// `lumbung demo`: seed the scenario into an empty data directory, make demo keys, serve.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seed the 2018 Mataram scenario (if the data directory is empty), make demo keys, print them and serve.")

        @OptionGroup var store: StoreOptions
        @Option(help: "Address to listen on.") var host = "127.0.0.1"
        @Option(help: "Port to listen on.") var port = 8080
        @Option(help: "Seed of the scenario.") var seed: UInt64 = ScenarioSeeder.defaultSeed

        func run() async throws {
            let services = try store.openServices()
            var receipt = ""
            var pin = ""
            if try services.store.head().position == 0 {
                Console.message("lumbung: seeding the 2018 Mataram scenario into \(services.dataDirectory)")
                let report = try Seed.seed(services, seed: seed, events: nil, views: true)
                receipt = report.demoReceiptNumber
                pin = report.demoPIN
            } else {
                Console.message(
                    "lumbung: \(services.dataDirectory) already holds \(try services.store.head().position) events; serving them")
            }
            var lines = ["", "Lumbung demo: http://\(host):\(port)/", ""]
            lines.append("Demo keys (made now; the secret is shown only here):")
            for role in Role.allCases {
                let (_, token) = try await services.keys.create(role: role, name: "demo-\(role.rawValue)", actor: "demo")
                lines.append("  \(role.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)) \(token)")
            }
            if !receipt.isEmpty {
                lines.append("")
                lines.append("Cek resi: nomor resi \(receipt), PIN \(pin)  (http://\(host):\(port)/cek-resi)")
            }
            lines.append("")
            lines.append("Try: curl -s http://\(host):\(port)/v1/aid/kelurahan | head -c 400")
            Console.message(lines.joined(separator: "\n"))
            try await Serve.serve(services, configuration: ServiceConfiguration(host: host, port: port))
        }
    }
}
