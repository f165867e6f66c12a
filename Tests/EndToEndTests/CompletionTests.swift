import Foundation
import Testing

@Suite("Shell completions")
struct CompletionTests {
    @Test(
        "the completion scripts offer export --format's values, keys create --role's and --log-format's",
        arguments: ["bash", "zsh", "fish"])
    func completions(shell: String) async throws {
        let r = try await CLI.run(["--generate-completion-script", shell])
        #expect(r.status == 0, "\(r.stderr)")
        let script = r.stdoutText
        for value in ["ndjson", "csv", "hxl", "wfp", "auditor", "json"] {
            #expect(script.contains(value), "\(shell) lacks \(value)")
        }
    }
}
