import Foundation
import Testing

/// `lumbung append` is a door like the API's raw route: it never writes a system type.
@Suite("lumbung append refuses system types")
struct SystemTypesCLITests {
    @Test("auth.* and privacy.* are refused with exit 1 naming the type, one event or a batch, and nothing is written")
    func refused() async throws {
        let scratch = try Scratch("system-types")
        let dir = scratch.file("data")
        let first = try await CLI.run(["append", "--data-dir", dir, "--stream", "test-1", "--type", "test.noted", "--data", #"{"n":1}"#])
        #expect(first.status == 0, "\(first)")
        let head = try await CLI.stats(dir)
        let forged = #"{"keyId":"abc","name":"x","role":"admin","secretHash":"\#(String(repeating: "0", count: 64))"}"#
        let one = try await CLI.run(["append", "--data-dir", dir, "--stream", "apikey-abc", "--type", "auth.key-created", "--data", forged])
        #expect(one.status == 1, "\(one)")
        #expect(one.stderr.contains("auth.key-created") && one.stderr.contains("system type"), "\(one)")
        let file = try scratch.write(
            "batch.ndjson",
            [
                ndjsonLine(stream: "test-2", type: "test.noted", data: #"{"n":2}"#),
                ndjsonLine(stream: "privacy-x", type: "privacy.subject-forgotten", data: #"{"subject":"x"}"#),
            ].joined(separator: "\n") + "\n")
        let batch = try await CLI.run(["append", "--data-dir", dir, "--ndjson", file, "--atomic"])
        #expect(batch.status == 1, "\(batch)")
        #expect(batch.stderr.contains("privacy.subject-forgotten"), "\(batch)")
        #expect(try await CLI.stats(dir) == head, "nothing was written")
        let keys = try await CLI.run(["keys", "list", "--data-dir", dir])
        #expect(keys.status == 0)
        #expect(!keys.stdoutText.contains("abc"))
    }
}

/// `export --output` writes a new file of the owner's alone: never through a symbolic link (an
/// attacker's link to a file of the auditor's), never over an existing file without `--force`.
@Suite("export --output is careful with files")
struct ExportOutputTests {
    @Test("a symlink is refused, an existing file needs --force, the file is 0600")
    func output() async throws {
        let scratch = try Scratch("export-output")
        let dir = scratch.file("data")
        #expect(
            try await CLI.run(["append", "--data-dir", dir, "--stream", "test-1", "--type", "test.noted", "--data", #"{"n":1}"#]).status
                == 0)
        let victim = try scratch.write("victim.txt", "keep me\n")
        let link = scratch.file("link.ndjson")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: victim)
        let viaLink = try await CLI.run(["export", "--data-dir", dir, "--output", link])
        #expect(viaLink.status == 1, "\(viaLink)")
        #expect(viaLink.stderr.contains("symbolic link"), "\(viaLink)")
        let forcedLink = try await CLI.run(["export", "--data-dir", dir, "--output", link, "--force"])
        #expect(forcedLink.status == 1, "\(forcedLink)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me\n")

        let out = scratch.file("export.ndjson")
        let first = try await CLI.run(["export", "--data-dir", dir, "--output", out])
        #expect(first.status == 0, "\(first)")
        #expect((try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int) == 0o600)
        let again = try await CLI.run(["export", "--data-dir", dir, "--output", out])
        #expect(again.status == 1, "\(again)")
        #expect(again.stderr.contains("--force"), "\(again)")
        let forced = try await CLI.run(["export", "--data-dir", dir, "--output", out, "--force"])
        #expect(forced.status == 0, "\(forced)")
        #expect(try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").count == 1)
    }
}
