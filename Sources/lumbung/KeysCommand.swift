import ArgumentParser
import EventLog
import Foundation
import JSON
import LumbungCore

extension Lumbung {
    /// `lumbung keys`: API keys (their making and revoking are events in the log).
    struct Keys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make, list and revoke API keys.", subcommands: [Create.self, List.self, Revoke.self])

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Make a key; prints its secret token once.")
            @OptionGroup var store: StoreOptions
            @Option(
                help: ArgumentHelp("Role: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "ROLE"),
                completion: .list(Role.allCases.map(\.rawValue)))
            var role: String
            @Option(help: "Who or what holds the key.") var name: String
            @Option(
                help: ArgumentHelp(
                    "Limit the key to this office (documents-writer), warehouse or posko (aid-writer) or market (prices-writer, prices-supervisor); repeat for several. Without it the key works on all.",
                    valueName: "ID"))
            var scope: [String] = []

            func validate() throws {
                guard let role = Role(rawValue: role) else {
                    throw ValidationError("--role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                if !scope.isEmpty && role.scopeKind == nil {
                    throw ValidationError(
                        "--scope goes with aid-writer, documents-writer, prices-writer or prices-supervisor, not \(role.rawValue)")
                }
            }

            func run() async throws {
                let services = try store.openServices()
                defer { services.close() }
                let (key, token) = try await services.keys.create(
                    role: Role(rawValue: role)!, name: name, scope: scope.isEmpty ? nil : scope, actor: StoreOptions.actor)
                Output.standard.line(
                    JSONObject([
                        ("keyId", .string(key.keyId)), ("name", .string(key.name)), ("role", .string(key.role.rawValue)),
                        ("scope", key.scope.map { .array($0.sorted().map(JSONValue.string)) } ?? .null), ("token", .string(token)),
                    ]))
                Output.flush()
                Console.message("lumbung: keep the token now: it is not stored and cannot be shown again")
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List keys (without secrets).")
            @OptionGroup var store: StoreOptions

            func run() async throws {
                let services = try store.openServices()
                defer { services.close() }
                for k in try services.keys.list() {
                    Output.standard.line(
                        JSONObject([
                            ("keyId", .string(k.keyId)), ("name", .string(k.name)), ("role", .string(k.role.rawValue)),
                            ("scope", k.scope.map { .array($0.map(JSONValue.string)) } ?? .null), ("createdAt", .string(k.createdAt)),
                            ("revokedAt", k.revokedAt.map(JSONValue.string) ?? .null),
                        ]))
                }
                Output.flush()
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke a key: it is refused from then on.")
            @OptionGroup var store: StoreOptions
            @Argument(help: "The key's id.") var keyId: String
            @Option(help: "Why.") var reason = "revoked"

            func run() async throws {
                let services = try store.openServices()
                defer { services.close() }
                try await services.keys.revoke(keyId: keyId, reason: reason, actor: StoreOptions.actor)
                Output.standard.line(JSONObject([("keyId", .string(keyId)), ("revoked", .bool(true))]))
                Output.flush()
            }
        }
    }
}
