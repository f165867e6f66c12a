import Foundation
import Testing

/// The `lumbung` executable run to its end, for suites that want its output as text.
enum Binary {
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `lumbung arguments...` to its end (through `CLI.run`: output to files, not pipes a
    /// child started meanwhile could inherit).
    static func run(_ arguments: [String]) async throws -> Result {
        let r = try await CLI.run(arguments)
        return Result(status: r.status, stdout: r.stdoutText, stderr: r.stderr)
    }
}
