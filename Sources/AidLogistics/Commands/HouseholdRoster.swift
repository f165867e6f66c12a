import CSV
import DomainKit
public import EventLog
import Foundation

/// A posko's roster of households, read from CSV (RFC 4180, UTF-8, a header row): one
/// `register-household` per record, for `lumbung import households FILE --warehouse ID`.
///
/// Columns, by header name (English or Indonesian; order free; case ignored):
/// `kk`/`nomor_kk` (16 digits), `headName`/`nama_kepala`/`nama` (the head of the household),
/// `members`/`anggota`, `kelurahanCode`/`desa` (a Kepmendagri code; the posko's own when the
/// column is absent), optional `infants`/`bayi`, `elderly`/`lansia`, `disabled`/`disabilitas`,
/// `pregnant`/`hamil` (blank: 0) and `householdId` (made when blank).
///
/// All or nothing: a record that cannot be read, a KK or household id listed twice, or (when the
/// import decides) a rule that refuses a record, refuses the whole file naming its line
/// (`line 7: kk: must be a KK number (16 digits)`); nothing is written then.
public enum HouseholdRoster {
    /// Why a roster was refused: the line (1 is the header) and the reason, naming the field.
    public struct Refusal: Error, Sendable, CustomStringConvertible, Equatable {
        public let line: Int
        public let field: String
        public let message: String
        /// What kind of refusal it is: the file's own (`invalidInput`), or the rules' (a KK already
        /// registered is a `conflict`).
        public let code: EventLogError.Code
        public var description: String { "line \(line): \(message)" }

        public init(line: Int, field: String, message: String, code: EventLogError.Code = .invalidInput) {
            (self.line, self.field, self.message, self.code) = (line, field, message, code)
        }

        /// An error of the log, on `line`.
        public init(line: Int, _ error: EventLogError) {
            let named = error.namingBodyFields
            self.init(line: line, field: named.field ?? "", message: named.message, code: named.code)
        }

        /// The refusal as the API answers it: its kind, `line <n>: <message>`, and the field.
        public var error: EventLogError { EventLogError(code, description, field: field.isEmpty ? nil : field) }
    }

    /// One record: its line and the command it asks for (`kk` and `headName` in clear).
    public struct Entry: Sendable {
        public let line: Int
        public let command: RegisterHousehold
    }

    static let columns: [String: [String]] = [
        "kk": ["kk", "nomor_kk", "no_kk"], "headName": ["headname", "nama_kepala", "nama", "kepala_keluarga"],
        "members": ["members", "anggota", "jumlah_anggota"], "kelurahanCode": ["kelurahancode", "desa", "kode_desa"],
        "infants": ["infants", "bayi"], "elderly": ["elderly", "lansia"], "disabled": ["disabled", "disabilitas"],
        "pregnant": ["pregnant", "hamil"], "householdId": ["householdid", "id"],
    ]

    /// Reads a roster of `warehouseId` (desa `defaultCode` when the file has no desa column).
    public static func parse(_ text: String, warehouseId: String, defaultCode: String, incidentId: String? = nil) throws(Refusal)
        -> [Entry]
    {
        var body = Substring(text)
        if body.unicodeScalars.first == "\u{FEFF}" { body = Substring(body.unicodeScalars.dropFirst()) }
        guard let reader = try? CSVReader(string: String(body), hasHeaderRow: false) else {
            throw Refusal(line: 1, field: "", message: "the file is not CSV")
        }
        var line = 1
        var index: [String: Int] = [:]
        var header: [String]?
        var entries: [Entry] = []
        var seenKK: [String: Int] = [:]
        var seenId: [String: Int] = [:]
        while let fields = reader.next() {
            let start = line
            line += 1 + fields.reduce(0) { n, f in n + f.unicodeScalars.filter { $0 == "\n" }.count }
            guard header != nil else {
                header = fields
                let names = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                for (column, aliases) in columns {
                    if let i = names.firstIndex(where: { aliases.contains($0) }) { index[column] = i }
                }
                for required in ["kk", "headName", "members"] where index[required] == nil {
                    throw Refusal(
                        line: 1, field: required,
                        message: "\(required): the header has no \(required) column (\(columns[required]!.joined(separator: ", ")))")
                }
                continue
            }
            if fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            func value(_ column: String) -> String? {
                guard let i = index[column], i < fields.count else { return nil }
                let v = fields[i].trimmingCharacters(in: .whitespaces)
                return v.isEmpty ? nil : v
            }
            func count(_ column: String, required: Bool = false) throws(Refusal) -> Int {
                guard let text = value(column) else {
                    if required { throw Refusal(line: start, field: column, message: "\(column): is required") }
                    return 0
                }
                guard let n = Int(text), n >= 0 else {
                    throw Refusal(line: start, field: column, message: "\(column): \"\(text.prefix(20))\" is not a whole number")
                }
                return n
            }
            let kk = value("kk") ?? ""
            if let problem = HouseholdFields.kkProblem(kk) { throw Refusal(line: start, field: "kk", message: "kk: \(problem)") }
            if let earlier = seenKK[kk] {
                throw Refusal(line: start, field: "kk", message: "kk: the same KK number as line \(earlier); a KK registers once")
            }
            seenKK[kk] = start
            guard let name = value("headName") else { throw Refusal(line: start, field: "headName", message: "headName: is required") }
            let id = value("householdId")
            if let id {
                if let earlier = seenId[id] {
                    throw Refusal(line: start, field: "householdId", message: "householdId: \(id) is already on line \(earlier)")
                }
                seenId[id] = start
            }
            let command = RegisterHousehold(
                householdId: id, warehouseId: warehouseId, kelurahanCode: value("kelurahanCode") ?? defaultCode, kk: .clear(kk),
                headName: .clear(name), members: try count("members", required: true),
                vulnerable: Vulnerable(
                    infants: try count("infants"), elderly: try count("elderly"), disabled: try count("disabled"),
                    pregnant: try count("pregnant")), incidentId: incidentId)
            // The body's own field rules (lengths, control characters, positive members).
            do {
                _ = try RegisterHousehold.read(command.json, root: "")
            } catch {
                throw Refusal(line: start, error)
            }
            entries.append(Entry(line: start, command: command))
        }
        if let error = reader.error { throw Refusal(line: line, field: "", message: "the file is not CSV: \(error)") }
        guard !entries.isEmpty else { throw Refusal(line: 1, field: "", message: "the roster lists no household") }
        return entries
    }

    /// Decides every entry on the rules' current state (inside `RuleGuard.withCurrentState`),
    /// each seeing the ones before it, sealing in the domain's vault: the events to append in one
    /// batch (all or nothing), and each household's id. A refusal names the entry's line.
    public static func decide(_ entries: [Entry], domain: AidLogisticsDomain, now: Timestamp) throws(Refusal) -> (
        events: [ProposedEvent], ids: [String]
    ) {
        var state: AidDecider.State?
        var events: [ProposedEvent] = []
        var ids: [String] = []
        for entry in entries {
            do {
                var (resolved, made) = AidLogisticsCommand.registerHousehold(entry.command).resolved(now: now) { AidIDs.make($0, year: $1) }
                guard case .registerHousehold(let c) = resolved else { continue }
                resolved = .registerHousehold(try c.sealed(in: domain.vault))
                // The state of what the command touches, with the households decided before it.
                var s = try domain.rules.state(touchedBy: resolved)
                if let earlier = state {
                    s.households.merge(earlier.households) { a, _ in a }
                    s.householdBySubject.merge(earlier.householdBySubject) { a, _ in a }
                }
                let decided = try AidDecider.decide(resolved, s)
                for e in decided {
                    state = AidDecider.evolve(state ?? AidDecider.initial, e)
                    events.append(try e.proposed(expectedVersion: .noStream))
                }
                ids.append(made["householdId"] ?? "")
            } catch {
                throw Refusal(line: entry.line, error)
            }
        }
        return (events, ids)
    }
}

extension AidLogisticsRules {
    /// A registered warehouse or posko, or nil (inside `RuleGuard.withCurrentState`).
    public func warehouse(_ id: String) throws(EventLogError) -> AidDecider.Warehouse? {
        try state(touchedBy: .registerWarehouse(RegisterWarehouse(warehouseId: id, name: "-", kind: "posko", kelurahanCode: "-")))
            .warehouses[id]
    }
}
