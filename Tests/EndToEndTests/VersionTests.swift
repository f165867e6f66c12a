import Foundation
import LumbungVersion
import Testing

/// One version source: `lumbung --version` prints `LumbungVersion.current`, and CHANGELOG.md has a
/// section for it (`[Unreleased]` while it ends in `-dev`).
@Suite("The version")
struct VersionTests {
    @Test("lumbung --version prints the one version and exits 0; the changelog names it")
    func version() async throws {
        let r = try await CLI.run(["--version"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdoutText == LumbungVersion.current + "\n")
        let changelog = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("CHANGELOG.md"), encoding: .utf8)
        let release = LumbungVersion.current.hasSuffix("-dev") ? "Unreleased" : LumbungVersion.current
        #expect(changelog.contains("## [\(release)]"), "CHANGELOG.md has no section for \(release)")
    }
}
