import ArgumentParser
import EventLog
import Foundation
import JSON
import LumbungCore
import Projections
import QueryService

extension Lumbung {
    /// `lumbung projections`: the views and their rebuilds.
    struct Projections: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the views, show how current they are, rebuild them.", subcommands: [List.self, Status.self, Rebuild.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Every projector: name, version, handled types.")
            @OptionGroup var store: StoreOptions

            func run() throws {
                let services = try LumbungServices(dataDirectory: store.resolvedDataDirectory)
                defer { services.close() }
                for p in services.engine.projectors {
                    Output.standard.line(JSONObject([
                        ("name", .string(p.name)), ("version", .int(p.version)),
                        ("types", p.eventTypes.map { .array($0.sorted().map(JSONValue.string)) } ?? .string("*")),
                        ("databases", .array(p.databases.map(JSONValue.string))),
                    ]))
                }
                Output.flush()
            }
        }

        struct Status: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Each view's checkpoint, generation and lag behind the log.")
            @OptionGroup var store: StoreOptions

            func run() throws {
                let services = try LumbungServices(dataDirectory: store.resolvedDataDirectory)
                defer { services.close() }
                for s in try services.engine.status() {
                    Output.standard.line(JSONObject([
                        ("name", .string(s.name)), ("version", .int(s.version)), ("builtVersion", .int(s.builtVersion)),
                        ("generation", .int(s.generation)), ("checkpoint", .int(s.checkpoint)), ("head", .int(s.head)),
                        ("lag", .int(s.lag)),
                    ]))
                }
                Output.flush()
            }
        }

        struct Rebuild: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Rebuild views from the whole log into fresh copies, switched atomically when done (the old ones serve until then).")
            @OptionGroup var store: StoreOptions
            @Argument(help: "The view to rebuild.") var name: String?
            @Flag(help: "Rebuild every view.") var all = false

            func validate() throws {
                guard (name != nil) != all else { throw ValidationError("give a view name or --all") }
            }

            func run() throws {
                let services = try LumbungServices(dataDirectory: store.resolvedDataDirectory)
                defer { services.close() }
                let names = all ? services.engine.projectors.map(\.name) : [name!]
                for n in names where services.engine.projector(named: n) == nil {
                    throw CLIError("no view named \(n); views: \(services.engine.projectors.map(\.name).joined(separator: ", "))")
                }
                for n in names {
                    var bar = ProgressBar(label: "rebuild \(n)")
                    var reached: UInt64 = 0
                    try services.engine.rebuild(n) { _, done, total in
                        reached = done
                        bar.update(done, of: total)
                    }
                    bar.finish(reached, of: reached)
                    let s = try services.engine.status().first { $0.name == n }
                    Output.standard.line(JSONObject([
                        ("name", .string(n)), ("rebuilt", .bool(true)), ("generation", .int(s?.generation ?? 0)),
                        ("checkpoint", .int(s?.checkpoint ?? 0)),
                    ]))
                }
                Output.flush()
            }
        }
    }

    /// `lumbung demo`: seed the scenario into an empty data directory, make demo keys, serve.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seed the 2018 Mataram scenario (if the data directory is empty), make demo keys, print them and serve.")

        @OptionGroup var store: StoreOptions
        @Option(help: "Address to listen on.") var host = "127.0.0.1"
        @Option(help: "Port to listen on.") var port = 8080
        @Option(help: "Seed of the scenario.") var seed: UInt64 = ScenarioSeeder.defaultSeed

        func run() async throws {
            let services = try LumbungServices(dataDirectory: store.resolvedDataDirectory)
            var receipt = "", pin = ""
            if try services.store.head().position == 0 {
                Console.message("lumbung: seeding the 2018 Mataram scenario into \(services.dataDirectory)")
                let report = try Seed.seed(services, seed: seed, events: nil, views: true)
                receipt = report.demoReceiptNumber
                pin = report.demoPIN
            } else {
                Console.message("lumbung: \(services.dataDirectory) already holds \(try services.store.head().position) events; serving them")
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
            try await Serve.serve(services, host: host, port: port)
        }
    }
}
