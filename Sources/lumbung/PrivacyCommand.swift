import ArgumentParser
import DomainKit
import EventLog
import Foundation
import JSON
import LumbungCore

extension Lumbung {
    /// `lumbung privacy`: the personal data of residents, held sealed in the vault.
    struct Privacy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export or forget the personal data held about a person; erase what is past retention.",
            subcommands: [Forget.self, Export.self, Sweep.self, Migrate.self])

        /// Who: a NIK, a subject pseudonym, an individual donor's id or a KK number, exactly one.
        struct SubjectOptions: ParsableArguments {
            @Option(help: "The person's NIK (16 digits).") var nik: String?
            @Option(help: "The subject's pseudonym (subj- and 24 hex digits), as the log names it.") var subject: String?
            @Option(help: "An individual donor's id (donor.id of their donations, e.g. DR-2026-7K3M9Q2X).") var donorId: String?
            @Option(help: "A household's KK number (16 digits).") var kk: String?

            func validate() throws {
                guard [nik, subject, donorId, kk].compactMap({ $0 }).count == 1 else {
                    throw ValidationError("give exactly one of --nik, --subject, --donor-id or --kk")
                }
                if let nik, nik.utf8.count != 16 || !nik.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
                    throw ValidationError("--nik must be 16 digits")
                }
                if let kk, kk.utf8.count != 16 || !kk.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
                    throw ValidationError("--kk must be 16 digits")
                }
            }

            /// Opens the data directory of `store`, then runs `body` with its privacy office and the
            /// subject these options name; the data directory is closed afterwards.
            func withSubject<R>(in store: StoreOptions, _ body: (PrivacyOffice, String) async throws -> R) async throws -> R {
                let services = try store.openServices()
                defer { services.close() }
                let office = PrivacyOffice(services)
                return try await body(office, try resolve(office))
            }

            func resolve(_ office: PrivacyOffice) throws -> String {
                do {
                    return try office.subject(nik: nik, subject: subject, donorId: donorId, kk: kk)
                } catch let refusal as PrivacyOffice.Refusal {
                    throw CLIError(refusal.message)
                }
            }
        }

        struct Forget: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Destroy a person's data key and blind indexes; appends privacy.subject-forgotten.",
                discussion: """
                    Every field sealed under the subject's key becomes unreadable for good ([dihapus]); the log itself does \
                    not change, so its hash chain, signed heads and proofs stay valid. Prints {"subject","forgotten","position"}.
                    """)
            @OptionGroup var store: StoreOptions
            @OptionGroup var who: SubjectOptions

            func run() async throws {
                let (subject, position) = try await who.withSubject(in: store) { office, subject in
                    do {
                        return (subject, try await office.forget(subject: subject, actor: StoreOptions.actor))
                    } catch let refusal as PrivacyOffice.Refusal {
                        throw CLIError(refusal.message)
                    }
                }
                Output.standard.line(
                    JSONObject([
                        ("subject", .string(subject)), ("forgotten", .bool(true)),
                        ("position", position.map { .number(Double($0)) } ?? .null),
                    ]))
                Output.flush()
            }
        }

        struct Export: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print everything held about a person, opened, as JSON (a subject access request).")
            @OptionGroup var store: StoreOptions
            @OptionGroup var who: SubjectOptions

            func run() async throws {
                let export = try await who.withSubject(in: store) { office, subject in try office.export(subject: subject) }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                FileHandle.standardOutput.write(try encoder.encode(export) + Data("\n".utf8))
            }
        }
        struct Migrate: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Link the applications written before the vault (NIK hash only) to vault subjects.",
                discussion: """
                    For each distinct applicant.nikHash of the log's applications without a subject, makes a vault subject \
                    found by that hash (blind-index purpose legacy-nik-hash) and appends privacy.legacy-subject-linked \
                    {"subject","receiptNumbers"}: the NIK then finds those applications (search, privacy export/forget --nik). \
                    Running it again links nothing new. Progress on stderr; prints a JSON summary.
                    """)
            @OptionGroup var store: StoreOptions

            func run() async throws {
                try store.refuseWithoutLog()
                let services = try store.openServices()
                defer { services.close() }
                let progress = SharedProgress(ProgressBar(label: "migrate"))
                let report = try await PrivacyOffice(services).migrate(actor: StoreOptions.actor + " (migrate)") { done, total in
                    progress.update(UInt64(done), of: UInt64(total))
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
            }
        }

        struct Sweep: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Forget every subject whose personal data is past its retention (UU PDP: kept no longer than needed).",
                discussion: """
                    A subject is due when every one of its applications reached a final status (collected or rejected) at \
                    least the retention period before --as-of (default: now); one application still open keeps the subject. \
                    Each due subject is forgotten as `privacy forget` would. The retention may come from the config file \
                    ({"privacy": {"sweep": {"applications-retention": "5y"}}}) or LUMBUNG_APPLICATIONS_RETENTION. Prints one \
                    JSON object: {"asOf","dryRun","retention","forgotten","due":[...],"kept":{...},"alreadyForgotten"}.
                    """)
            @OptionGroup var store: StoreOptions
            @OptionGroup var config: ConfigFileOption
            @Option(
                help: ArgumentHelp(
                    "How long applicants' data is kept after the application's final status: 5y, 18m or 90d.", valueName: "PERIOD"))
            var applicationsRetention: String?
            @Option(
                help: ArgumentHelp(
                    "The day (YYYY-MM-DD, UTC) or time (RFC 3339) to sweep as of; default now; later only with --dry-run.",
                    valueName: "WHEN"))
            var asOf: String?
            @Flag(help: "Say what is due and write nothing.") var dryRun = false

            func validate() throws {
                if let applicationsRetention {
                    do { _ = try RetentionPeriod(parsing: applicationsRetention) } catch {
                        throw ValidationError("--applications-retention: \(error.message)")
                    }
                }
                _ = try sweepTime()
            }

            /// `--as-of` read: a day (its start, UTC) or an RFC 3339 time, not in the future.
            func sweepTime() throws -> Timestamp {
                let now = Timestamp.now()
                guard let asOf else { return now }
                let when: Timestamp
                if asOf.count == 10, let day = CivilDate(asOf) {
                    when = day.timestamp()
                } else if let t = Timestamp(asOf) {
                    when = t
                } else {
                    throw ValidationError("--as-of: \"\(asOf.prefix(40))\" is neither a day (YYYY-MM-DD) nor an RFC 3339 time")
                }
                guard when <= now || dryRun else {
                    throw ValidationError(
                        "--as-of: \(asOf) is in the future; a sweep erases only what is due now (a --dry-run may look ahead)")
                }
                return when
            }

            func run() async throws {
                guard let text = applicationsRetention else {
                    throw CLIError(
                        "no retention is set: give --applications-retention (e.g. 5y), LUMBUNG_APPLICATIONS_RETENTION, or \"applications-retention\" in the config file's \"privacy\": {\"sweep\"} section"
                    )
                }
                let policy = RetentionPolicy(applications: try RetentionPeriod(parsing: text))
                let asOf = try sweepTime()
                try store.refuseWithoutLog()
                let services = try store.openServices()
                defer { services.close() }
                let office = PrivacyOffice(services)
                let plan = try office.planSweep(policy, asOf: asOf)
                var positions: [String: UInt64] = [:]
                if !dryRun {
                    let progress = SharedProgress(ProgressBar(label: "forget"))
                    for (i, due) in plan.due.enumerated() {
                        positions[due.subject] = try await office.forget(
                            subject: due.subject, actor: StoreOptions.actor + " (retention)", rotate: false)
                        progress.update(UInt64(i + 1), of: UInt64(plan.due.count))
                    }
                    // One rotation of the vault's master key for every key destroyed above.
                    if !plan.due.isEmpty { try office.rotateMasterKey() }
                }
                let subjects: [JSONValue] = plan.due.map { due in
                    .object([
                        ("subject", .string(due.subject)), ("applications", .array(due.receipts.map { .string($0) })),
                        ("finalAt", .string(due.finalAt.description)), ("dueAt", .string(due.dueAt.description)),
                        ("position", positions[due.subject].map { .number(Double($0)) } ?? .null),
                    ])
                }
                Output.standard.line(
                    JSONObject([
                        ("asOf", .string(asOf.description)), ("dryRun", .bool(dryRun)),
                        ("retention", .object([("applications", .string(text))])),
                        ("forgotten", .number(Double(positions.values.count))), ("due", .array(subjects)),
                        (
                            "kept",
                            .object([
                                ("open", .number(Double(plan.open))), ("notDue", .number(Double(plan.notDue))),
                                ("notHeld", .number(Double(plan.notHeld))),
                            ])
                        ),
                        ("alreadyForgotten", .number(Double(plan.alreadyForgotten))),
                    ]))
                Output.flush()
            }
        }
    }
}
