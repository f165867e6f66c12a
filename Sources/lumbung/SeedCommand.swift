import ArgumentParser
import EventLog
import Foundation
import JSON
import LumbungCore
import MarketPrices
import Projections
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
            let services = try store.openServices()
            defer { services.close() }
            let report = try Self.seed(services, seed: seed, events: events, views: !noViews)
            Output.standard.line(
                JSONObject([
                    ("events", .int(report.events)), ("headPosition", .int(report.headPosition)), ("seed", .int(report.seed)),
                    ("demoReceiptNumber", .string(report.demoReceiptNumber)), ("demoPIN", .string(report.demoPIN)),
                ]))
            Output.flush()
        }

        static func seed(_ services: LumbungServices, seed: UInt64, events: Int?, views: Bool) throws -> ScenarioSeeder.Report {
            // The views are folded on a second thread while the events are written (the log and the
            // views are separate LMDB environments, each with its own writer), in transactions of
            // up to 20,000 events; what is left when the writing ends is folded with its own bar.
            let folder = views ? BackgroundViewFolder(services.engine, batchSize: 20_000) : nil
            var bar = ProgressBar(label: "seed")
            let report: ScenarioSeeder.Report
            do {
                report = try ScenarioSeeder.seed(services, seed: seed, events: events) { done, total in
                    bar.update(UInt64(done), of: UInt64(total))
                }
            } catch {
                _ = try? folder?.stop()
                throw error
            }
            bar.finish(UInt64(report.events), of: UInt64(report.events))
            try folder?.stop()
            if views {
                var viewsBar = ProgressBar(label: "views")
                try services.engine.catchUp { done, total in viewsBar.update(done, of: total) }
                viewsBar.finish(report.headPosition, of: report.headPosition)
            }
            return report
        }
    }
}
