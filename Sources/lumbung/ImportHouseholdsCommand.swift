import AidLogistics
import ArgumentParser
import DomainKit
import EventLog
import Foundation
import JSON
import LumbungCore

extension Lumbung.Import {
    /// `lumbung import households FILE --warehouse ID --incident ID`: a posko's roster of households.
    struct Households: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "households",
            abstract: "Register a posko's roster of households from CSV (KK numbers and heads' names sealed in the vault).",
            discussion: """
                Columns by header (English or Indonesian, any order): kk/nomor_kk, headName/nama_kepala/nama, members/anggota, \
                and optionally kelurahanCode/desa (default: the posko's desa), infants/bayi, elderly/lansia, \
                disabled/disabilitas, pregnant/hamil, householdId. All or nothing: a bad record, a KK listed twice or \
                already registered, or a rule refusing a record stops the import naming its line, and nothing is written. \
                Prints {"imported","householdIds","firstPosition","lastPosition"}.
                """)

        @OptionGroup var store: StoreOptions
        @Argument(help: "The CSV file.") var file: String
        @Option(help: "The posko (or gudang) whose roster it is: its warehouse id.") var warehouse: String
        @Option(help: "The incident the households were displaced by (aid.incident-declared).") var incident: String

        func run() async throws {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch { throw CLIError("\(file): cannot be read") }
            guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(file) is not UTF-8 text") }
            let services = try store.openServices()
            defer { services.close() }
            let domain = services.domains.aid
            guard let place = try services.rules.withCurrentState(services.store, { try domain.rules.warehouse(warehouse) }) else {
                throw CLIError("--warehouse: \(warehouse) is not registered (aid.warehouse-registered)")
            }
            let decided: (events: [ProposedEvent], ids: [String])
            do {
                let entries = try HouseholdRoster.parse(
                    text, warehouseId: warehouse, defaultCode: place.kelurahanCode, incidentId: incident)
                decided = try services.rules.withCurrentState(services.store) {
                    try HouseholdRoster.decide(entries, domain: domain, now: .now())
                }
            } catch let refusal as HouseholdRoster.Refusal {
                throw CLIError("\(file): \(refusal.description)")
            }
            let outcome = try await services.write(decided.events, actor: StoreOptions.actor + " (import households)")
            Output.standard.line(
                JSONObject([
                    ("imported", .number(Double(decided.ids.count))), ("householdIds", .array(decided.ids.map { .string($0) })),
                    ("firstPosition", .number(Double(outcome.results.first?.position ?? 0))),
                    ("lastPosition", .number(Double(outcome.lastPosition))),
                ]))
            Output.flush()
        }
    }
}
