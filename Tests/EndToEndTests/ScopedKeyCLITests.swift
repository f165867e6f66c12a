import Foundation
import JSON
import Testing

@Suite("keys create --scope")
struct ScopedKeyCLITests {
    @Test("keys create --scope: shown on the key and in keys list; refused for a role that takes none, with nothing written")
    func scope() async throws {
        let dir = try Scratch("scoped-keys")
        let data = dir.file("data")
        let made = try await CLI.run([
            "keys", "create", "--role", "prices-writer", "--name", "enumerator", "--scope", "sindu", "--scope", "kebon-roek", "--data-dir",
            data,
        ])
        #expect(made.status == 0, "\(made)")
        let key = try #require(try made.json().first)
        #expect(key["scope"] == .array([.string("kebon-roek"), .string("sindu")]))

        let list = try await CLI.run(["keys", "list", "--data-dir", data])
        #expect(try list.json().first?["scope"] == .array([.string("kebon-roek"), .string("sindu")]))

        let before = try await CLI.run(["stats", "--data-dir", data])
        let refused = try await CLI.run(["keys", "create", "--role", "auditor", "--name", "x", "--scope", "sindu", "--data-dir", data])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--scope"), "\(refused.stderr)")
        let after = try await CLI.run(["stats", "--data-dir", data])
        #expect(before.stdoutText == after.stdoutText)
    }
}
