import Foundation
import Testing

/// The `lumbung` executable built next to the tests, run as a child process.
enum Binary {
    /// `.build/<config>/lumbung`: beside the test bundle, else under the package's `.build/debug`.
    static var path: String? {
        var candidates: [String] = []
        if let first = CommandLine.arguments.first {
            var dir = URL(fileURLWithPath: first).deletingLastPathComponent()
            for _ in 0..<3 {
                candidates.append(dir.appendingPathComponent("lumbung").path)
                dir = dir.deletingLastPathComponent()
            }
        }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(package.appendingPathComponent(".build/debug/lumbung").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `lumbung arguments...` to its end, off the cooperative pool.
    static func run(_ arguments: [String]) async throws -> Result {
        let executable = try #require(path, "build the lumbung product first (swift build --build-tests builds it)")
        return try await Task.detached {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.launchSerialized()
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Result(
                status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                stderr: String(decoding: stderr, as: UTF8.self))
        }.value
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
