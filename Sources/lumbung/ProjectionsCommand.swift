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
                let services = try store.openServices()
                defer { services.close() }
                for p in services.engine.projectors {
                    Output.standard.line(
                        JSONObject([
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
                let services = try store.openServices()
                defer { services.close() }
                for s in try services.engine.status() {
                    Output.standard.line(
                        JSONObject([
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
                abstract:
                    "Rebuild views from the whole log into fresh copies, switched atomically when done (the old ones serve until then).")
            @OptionGroup var store: StoreOptions
            @Argument(help: "The view to rebuild.") var name: String?
            @Flag(help: "Rebuild every view.") var all = false
            @Option(help: "Events folded per write transaction (default 1000000): larger uses more memory, fewer writes.")
            var batchSize: Int?

            func validate() throws {
                guard (name != nil) != all else { throw ValidationError("give a view name or --all") }
                if let batchSize, !(1...10_000_000).contains(batchSize) {
                    throw ValidationError("--batch-size must be between 1 and 10000000, not \(batchSize)")
                }
            }

            func run() throws {
                let services = try store.openServices()
                defer { services.close() }
                if let batchSize { services.engine.rebuildBatchSize = batchSize }
                let names = all ? services.engine.projectors.map(\.name) : [name!]
                for n in names where services.engine.projector(named: n) == nil {
                    throw CLIError("no view named \(n); views: \(services.engine.projectors.map(\.name).joined(separator: ", "))")
                }
                // One pass over the log feeds every view being rebuilt.
                var bar = ProgressBar(label: names.count == 1 ? "rebuild \(names[0])" : "rebuild \(names.count) views")
                var reached: UInt64 = 0
                try services.engine.rebuild(names) { done, total in
                    reached = done
                    bar.update(done, of: total)
                }
                bar.finish(reached, of: reached)
                let status = try services.engine.status()
                for n in names {
                    let s = status.first { $0.name == n }
                    Output.standard.line(
                        JSONObject([
                            ("name", .string(n)), ("rebuilt", .bool(true)), ("generation", .int(s?.generation ?? 0)),
                            ("checkpoint", .int(s?.checkpoint ?? 0)),
                        ]))
                }
                Output.flush()
            }
        }
    }
}
