import Foundation
import Testing

/// `secret.key` keys the hashes of NIKs and PINs: a data directory whose log depends on it must
/// never open with it missing, changed or readable by others (today's code made a new one silently,
/// and every PIN then failed). Through the real binary, as an operator would meet it.
@Suite("secret.key is guarded", .serialized)
struct SecretGuardTests {
    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    @Test("a new data directory is the owner's alone: directories 0700, secret and LMDB files 0600")
    func modes() async throws {
        let scratch = try Scratch("secret-modes")
        let dir = scratch.file("data")
        let made = try await CLI.run(["keys", "create", "--data-dir", dir, "--role", "auditor", "--name", "pemeriksa"])
        #expect(made.status == 0, "\(made)")
        #expect(try Self.mode(dir) == 0o700)
        #expect(try Self.mode(dir + "/log") == 0o700)
        #expect(try Self.mode(dir + "/views") == 0o700)
        #expect(try Self.mode(dir + "/secret.key") == 0o600)
        #expect(try Self.mode(dir + "/log/data.mdb") == 0o600)
        #expect(try Self.mode(dir + "/views/data.mdb") == 0o600)
    }

    @Test("missing, changed or exposed: the data directory refuses to open, names the file, and writes nothing")
    func refusals() async throws {
        let scratch = try Scratch("secret-guard")
        let dir = scratch.file("data")
        let seeded = try await CLI.run(["seed", "--data-dir", dir, "--events", "3000", "--no-views"])
        #expect(seeded.status == 0, "\(seeded)")
        let applications = try await CLI.run([
            "read", "--all", "--data-dir", dir, "--type", "documents.application-submitted", "--limit", "1",
        ])
        #expect(applications.lines.count == 1, "the seed must hold an application for this test to mean anything")
        let secret = dir + "/secret.key"
        let original = try Data(contentsOf: URL(fileURLWithPath: secret))
        let head = try await CLI.stats(dir)

        // Missing: refused, and no new key is made behind the operator's back.
        try FileManager.default.removeItem(atPath: secret)
        let missing = try await CLI.run(["keys", "list", "--data-dir", dir])
        #expect(missing.status == 1, "\(missing)")
        #expect(missing.stderr.contains("secret.key is missing"), "\(missing)")
        #expect(missing.stderrIsOneLine)
        #expect(!FileManager.default.fileExists(atPath: secret))
        let append = try await CLI.run(["keys", "create", "--data-dir", dir, "--role", "admin", "--name", "x"])
        #expect(append.status == 1)

        // Changed: another 32 bytes are refused.
        var other = [UInt8](repeating: 0, count: 32)
        for i in other.indices { other[i] = UInt8.random(in: 0...255) }
        _ = FileManager.default.createFile(atPath: secret, contents: Data(other), attributes: [.posixPermissions: 0o600])
        let changed = try await CLI.run(["keys", "list", "--data-dir", dir])
        #expect(changed.status == 1, "\(changed)")
        #expect(changed.stderr.contains("is not the key the log"), "\(changed)")

        // Exposed: the right key, readable by others, is refused until it is 0600 again.
        try FileManager.default.removeItem(atPath: secret)
        _ = FileManager.default.createFile(atPath: secret, contents: original, attributes: [.posixPermissions: 0o644])
        let exposed = try await CLI.run(["keys", "list", "--data-dir", dir])
        #expect(exposed.status == 1, "\(exposed)")
        #expect(exposed.stderr.contains("readable by others"), "\(exposed)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret)
        let fine = try await CLI.run(["keys", "list", "--data-dir", dir])
        #expect(fine.status == 0, "\(fine)")
        #expect(try await CLI.stats(dir) == head, "nothing was written by the refused commands")
    }
}
