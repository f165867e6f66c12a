import ArgumentParser
import Foundation
import JSON
import LumbungCore

extension Lumbung {
    /// `lumbung privacy`: the personal data of residents, held sealed in the vault.
    struct Privacy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export or forget the personal data held about a person.", subcommands: [Forget.self, Export.self])

        /// Who: a NIK or a subject pseudonym, exactly one.
        struct SubjectOptions: ParsableArguments {
            @Option(help: "The person's NIK (16 digits).") var nik: String?
            @Option(help: "The subject's pseudonym (subj- and 24 hex digits), as the log names it.") var subject: String?

            func validate() throws {
                guard (nik == nil) != (subject == nil) else { throw ValidationError("give exactly one of --nik or --subject") }
                if let nik, nik.utf8.count != 16 || !nik.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
                    throw ValidationError("--nik must be 16 digits")
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
                    return try office.subject(nik: nik, subject: subject)
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
    }
}
