import Foundation
import Testing

/// `vault.key` wraps every resident's data key: guarded as `secret.key` is. Through the real binary.
@Suite("vault.key is guarded", .serialized)
struct VaultKeyGuardTests {
    @Test("made 0600 with the vault 0700; missing, changed or exposed: refused, naming the file, nothing written")
    func refusals() async throws {
        let scratch = try Scratch("vault-guard")
        let dir = scratch.file("data")
        let made = try await CLI.run(["keys", "create", "--data-dir", dir, "--role", "auditor", "--name", "pemeriksa"])
        #expect(made.status == 0, "\(made)")
        let key = dir + "/vault.key"
        #expect(try SecretGuardTests.mode(key) == 0o600)
        #expect(try SecretGuardTests.mode(dir + "/vault") == 0o700)
        #expect(try SecretGuardTests.mode(dir + "/vault/data.mdb") == 0o600)
        let original = try Data(contentsOf: URL(fileURLWithPath: key))
        let head = try await CLI.stats(dir)

        try FileManager.default.removeItem(atPath: key)
        let missing = try await CLI.run(["keys", "list", "--data-dir", dir])
        #expect(missing.status == 1, "\(missing)")
        #expect(missing.stderr.contains("vault.key is missing"), "\(missing)")
        #expect(!FileManager.default.fileExists(atPath: key))

        _ = FileManager.default.createFile(
            atPath: key, contents: Data((0..<32).map { _ in UInt8.random(in: 0...255) }), attributes: [.posixPermissions: 0o600])
        let changed = try await CLI.run(["keys", "list", "--data-dir", dir])
        #expect(changed.status == 1, "\(changed)")
        #expect(changed.stderr.contains("vault.key is not the key the log"), "\(changed)")

        try FileManager.default.removeItem(atPath: key)
        _ = FileManager.default.createFile(atPath: key, contents: original, attributes: [.posixPermissions: 0o644])
        let exposed = try await CLI.run(["keys", "list", "--data-dir", dir])
        #expect(exposed.status == 1, "\(exposed)")
        #expect(exposed.stderr.contains("vault.key is readable by others"), "\(exposed)")

        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        let back = try await CLI.run(["keys", "list", "--data-dir", dir])
        #expect(back.status == 0, "\(back)")
        #expect(try await CLI.stats(dir) == head)
    }
}
