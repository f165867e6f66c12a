import ArgumentParser
import EventLog
import Foundation
import LumbungCore
import MarketPrices

extension Lumbung {
    /// `lumbung import`: data from other systems.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import data from other systems.", subcommands: [WFP.self, Households.self])

        struct WFP: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "wfp",
                abstract: "Import a WFP/HDX food price CSV (per-country or global layout, with or without the HXL row).",
                discussion:
                    "Markets and commodities are registered once; each price gets an id derived from its row, so importing a file twice adds nothing. A malformed row stops the import with its line number and nothing written, unless --skip-invalid."
            )

            @OptionGroup var store: StoreOptions
            @Argument(help: "The CSV file.") var file: String
            @Flag(name: .customLong("skip-invalid"), help: "Import the valid rows and list the others.") var skipInvalid = false
            @Option(help: "Country (ISO3) for per-country files without a country column.") var country: String?

            func run() async throws {
                let services = try store.openServices()
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
