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

/// One lock for every child process the test bundle starts (an advisory lock on a file, so that
/// the suites of every test module in the bundle share it): Foundation's `Process.run` on Linux
/// is not safe to call from two threads at once (it crashed copying the environment while two
/// suites started children together).
extension Process {
    /// `run()`, one launch at a time across the test bundle.
    func launchSerialized() throws {
        let fd = open(NSTemporaryDirectory() + "lumbung-tests-launch.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o666)
        defer { if fd >= 0 { close(fd) } }
        if fd >= 0 { flock(fd, LOCK_EX) }
        try run()
    }
}
