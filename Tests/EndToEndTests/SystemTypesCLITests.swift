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
        let file = try scratch.write("batch.ndjson", [
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
