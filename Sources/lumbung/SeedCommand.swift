import ArgumentParser
import EventLog
import Foundation
import LumbungCore
import MarketPrices
import QueryService

extension Lumbung {
    /// `lumbung seed`: the deterministic 2018 scenario of Kota Mataram.
    struct Seed: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the 2018 Mataram scenario (29 July - 31 August 2018) into an empty data directory.",
            discussion: """
                Aid after the Lombok earthquakes (donations, shipments to posko in all 50 kelurahan, \
                losses, distributions), replacement documents moving through their lifecycle, and daily \
                market prices at PIHPS 2018 levels with a post-quake spike. The same seed gives the same \
                events; --events scales it (e.g. 10000000 for benchmarks).
                """)

        @OptionGroup var store: StoreOptions
        @Option(help: "Seed of the scenario.") var seed: UInt64 = ScenarioSeeder.defaultSeed
        @Option(help: "About how many events to write (default: the realistic scenario, ~25,000).") var events: Int?
        @Flag(name: .customLong("no-views"), help: "Do not fold the views now (they catch up when served).")
        var noViews = false

        func validate() throws {
            if let events, events < 1 { throw ValidationError("--events must be at least 1") }
        }

        func run() throws {
            let services = try LumbungServices(dataDirectory: store.resolvedDataDirectory)
            defer { services.close() }
            let report = try Self.seed(services, seed: seed, events: events, views: !noViews)
            Output.standard.line(JSONObject([
                ("events", .int(report.events)), ("headPosition", .int(report.headPosition)), ("seed", .int(report.seed)),
                ("demoReceiptNumber", .string(report.demoReceiptNumber)), ("demoPIN", .string(report.demoPIN)),
            ]))
            Output.flush()
        }

        static func seed(_ services: LumbungServices, seed: UInt64, events: Int?, views: Bool) throws -> ScenarioSeeder.Report {
            var bar = ProgressBar(label: "seed")
            let report = try ScenarioSeeder.seed(services, seed: seed, events: events) { done, total in
                bar.update(UInt64(done), of: UInt64(total))
            }
            bar.finish(UInt64(report.events), of: UInt64(report.events))
            if views {
                var viewsBar = ProgressBar(label: "views")
                try services.engine.catchUp { done, total in viewsBar.update(done, of: total) }
                viewsBar.finish(report.headPosition, of: report.headPosition)
            }
            return report
        }
    }

    /// `lumbung replay`: a view as it stood at a point in time, folded from the log from scratch.
    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fold the log from scratch up to a point and print a view as JSON (the auditor's \"as of\").",
            discussion: "e.g. what was in the Cakranegara posko on 10 August: replay --view stock --id WH-... --as-of 2018-08-10T23:59:59+08:00")

        enum ViewName: String, ExpressibleByArgument, CaseIterable {
            case stock, kelurahan, trace, application, prices
        }

        @OptionGroup var store: StoreOptions
        @Option(help: "The view: stock, kelurahan, trace, application, prices.") var view: ViewName
        @Option(help: "Warehouse (stock), kelurahan code, donation (trace), receipt number (application), market (prices).")
        var id: String?
        @Option(name: .customLong("as-of"), help: "Events that occurred at or before TIME (as it happened).")
        var asOf: Timestamp?
        @Option(name: .customLong("recorded-as-of"), help: "Events recorded at or before TIME (as the system knew it).")
        var recordedAsOf: Timestamp?
        @Option(help: "Events up to position P.") var position: UInt64?

        func validate() throws {
            let points = [asOf != nil, recordedAsOf != nil, position != nil].filter { $0 }.count
            guard points <= 1 else { throw ValidationError("give at most one of --as-of, --recorded-as-of, --position") }
            if (view == .trace || view == .application) && id == nil {
                throw ValidationError("--view \(view.rawValue) needs --id")
            }
        }

        func run() throws {
            let services = try LumbungServices(dataDirectory: store.resolvedDataDirectory)
            defer { services.close() }
            let point: ViewReplay.AsOf =
                if let asOf { .occurred(asOf) } else if let recordedAsOf { .recorded(recordedAsOf) } else if let position { .position(position) } else { .now }
            var bar = ProgressBar(label: "replay")
            let json = try ViewReplay.run(services, view: ViewReplay.View(rawValue: view.rawValue)!, id: id, asOf: point) { done, total in
                bar.update(done, of: total)
            }
            Output.standard.line(json)
            Output.flush()
        }
    }

    /// `lumbung import`: data from other systems.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import data from other systems.", subcommands: [WFP.self])

        struct WFP: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "wfp",
                abstract: "Import a WFP/HDX food price CSV (per-country or global layout, with or without the HXL row).",
                discussion: "Markets and commodities are registered once; each price gets an id derived from its row, so importing a file twice adds nothing. A malformed row stops the import with its line number and nothing written, unless --skip-invalid.")

            @OptionGroup var store: StoreOptions
            @Argument(help: "The CSV file.") var file: String
            @Flag(name: .customLong("skip-invalid"), help: "Import the valid rows and list the others.") var skipInvalid = false
            @Option(help: "Country (ISO3) for per-country files without a country column.") var country: String?

            func run() async throws {
                let services = try LumbungServices(dataDirectory: store.resolvedDataDirectory)
                defer { services.close() }
                let importer = WFPImporter(country: country)
                let bar = ProgressBox(ProgressBar(label: "import", unit: "rows"))
                let report = try await importer.run(file: file, into: services.store, skipInvalid: skipInvalid) { done, total in
                    bar.update(UInt64(done), UInt64(total))
                }
                bar.finish()
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                Output.standard.line(Array(try encoder.encode(report)))
                Output.flush()
            }
        }
    }
}

/// A progress bar shared with a @Sendable callback.
final class ProgressBox: @unchecked Sendable {
    private var bar: ProgressBar
    private var last: (UInt64, UInt64) = (0, 0)
    private let lock = NSLock()
    init(_ bar: ProgressBar) { self.bar = bar }
    func update(_ done: UInt64, _ total: UInt64) {
        lock.withLock {
            last = (done, total)
            bar.update(done, of: total)
        }
    }
    func finish() { lock.withLock { bar.finish(last.0, of: last.1) } }
}
