import Foundation
import TestSupport
import Testing

@Suite("The tests' child processes")
struct ChildProcessTests {
    @Test("a child inherits only its three standard streams, however many files the test process holds open")
    func childInheritsOnlyStandardStreams() async throws {
        let scratch = try Scratch("fds")
        // Files held open here while the child starts: none of them may reach it.
        let held = try (0..<64).map { i in
            let path = scratch.path + "/held-\(i)"
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        }
        defer { held.forEach { try? $0.close() } }
        // `ls` lists its own descriptors: 0, 1, 2 and the directory it reads.
        let r = try await CLI.runTool(["sh", "-c", "ls /proc/self/fd | wc -l"])
        #expect(r.status == 0, "\(r)")
        let count = Int(r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        #expect((3...4).contains(count), "the child saw \(count) descriptors: \(r.stdoutText)")
    }

    @Test("a child that cannot start is an error naming the program; one ended by a signal says so")
    func spawnErrorsAndSignals() throws {
        let missing = ChildProcess()
        missing.executableURL = URL(fileURLWithPath: "/nonexistent/program")
        #expect(throws: ChildProcess.SpawnError.self) { try missing.run() }

        let sleeper = ChildProcess()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        try sleeper.run()
        #expect(sleeper.isRunning)
        sleeper.terminate()
        sleeper.waitUntilExit()
        #expect(sleeper.terminationReason == .uncaughtSignal)
        #expect(sleeper.terminationStatus == SIGTERM)
    }
}
