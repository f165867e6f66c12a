import EventLog
import Foundation
import JSON
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// What a run of the binary left behind.
struct CLIResult: CustomStringConvertible {
    var status: Int32
    var stdout: [UInt8]
    var stderr: String
    var killed: Bool = false

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    /// The complete (newline-terminated) lines of stdout.
    var lines: [String] { CLI.completeLines(stdout) }
    /// Each complete stdout line parsed as JSON.
    func json() throws -> [JSONValue] { try lines.map { try JSONParser.parse($0) } }
    /// Whether stderr is exactly one newline-terminated line.
    var stderrIsOneLine: Bool { stderr.hasSuffix("\n") && stderr.filter { $0 == "\n" }.count == 1 }

    var description: String { "exit \(status)\nstdout: \(stdoutText.prefix(2000))\nstderr: \(stderr.prefix(2000))" }
}

/// Runs the real `lumbung` binary.
enum CLI {
    /// Where `swift build` put `lumbung`: next to the test bundle (or `LUMBUNG_BINARY`).
    static let binary: URL? = {
        let fm = FileManager.default
        if let given = ProcessInfo.processInfo.environment["LUMBUNG_BINARY"], fm.isExecutableFile(atPath: given) {
            return URL(fileURLWithPath: given)
        }
        var dirs: [URL] = []
        let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        dirs.append(argv0.deletingLastPathComponent())
        if let exe = Bundle.main.executableURL { dirs.append(exe.resolvingSymlinksInPath().deletingLastPathComponent()) }
        dirs.append(Bundle.main.bundleURL)
        dirs.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for dir in dirs {
            // On macOS the test bundle is a directory (X.xctest/Contents/MacOS/X): walk up out of it.
            var d = dir
            for _ in 0..<4 {
                let candidate = d.appendingPathComponent("lumbung")
                var isDir: ObjCBool = false
                if fm.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue, fm.isExecutableFile(atPath: candidate.path)
                {
                    return candidate
                }
                d = d.deletingLastPathComponent()
            }
        }
        return nil
    }()

    static func requireBinary(sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        try #require(
            binary,
            "the lumbung binary was not found next to the test bundle (\(CommandLine.arguments[0])); build it with `swift build --build-tests` or set LUMBUNG_BINARY",
            sourceLocation: sourceLocation)
    }

    /// The environment of every run: no inherited data directory, a known user (the actor).
    static var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["LUMBUNG_DATA_DIR"] = nil
        env["USER"] = "e2e-tester"
        return env
    }

    static let actor = "cli:e2e-tester"

    /// Runs `lumbung args...` to completion; stdout and stderr go through files (no pipe can fill
    /// up). Waiting for the process suspends the test instead of blocking a thread.
    static func run(_ args: [String], stdin: [UInt8]? = nil) async throws -> CLIResult {
        try await execute(makeProcess(args), stdin: stdin)
    }

    /// Runs another program (found on PATH through /usr/bin/env) to completion.
    static func runTool(_ args: [String]) async throws -> CLIResult {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = args
        return try await execute(process, stdin: nil)
    }

    static func execute(_ process: ChildProcess, stdin: [UInt8]?) async throws -> CLIResult {
        let scratch = try Scratch("run")
        let outPath = scratch.path + "/stdout"
        let errPath = scratch.path + "/stderr"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        let input = stdin.map { _ in Pipe() }
        process.standardInput = input ?? FileHandle.nullDevice
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in done.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                done.resume(throwing: error)
                return
            }
            if let input, let stdin {
                input.fileHandleForWriting.write(Data(stdin))
                try? input.fileHandleForWriting.close()
            }
        }
        try out.close()
        try err.close()
        return CLIResult(
            status: process.terminationStatus,
            stdout: [UInt8](try Data(contentsOf: URL(fileURLWithPath: outPath))),
            stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self))
    }

    static func makeProcess(_ args: [String]) throws -> ChildProcess {
        let process = ChildProcess()
        process.executableURL = try requireBinary()
        process.arguments = args
        process.environment = environment
        return process
    }

    static func completeLines(_ bytes: [UInt8]) -> [String] {
        guard let lastNewline = bytes.lastIndex(of: 0x0A) else { return [] }
        return bytes[..<lastNewline].split(separator: 0x0A, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    /// `lumbung stats` of `dataDir`, as its JSON line (for before/after comparisons).
    static func stats(_ dataDir: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let r = try await run(["stats", "--data-dir", dataDir])
        #expect(r.status == 0, "\(r)", sourceLocation: sourceLocation)
        return r.stdoutText
    }
}

/// A fresh temporary directory, removed when released.
final class Scratch: @unchecked Sendable {
    let path: String

    init(_ label: String) throws {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("lumbung-e2e-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) throws -> String {
        let p = file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

extension JSONValue {
    /// The member names of an object, in order.
    var keys: [String] { objectValue?.map(\.key) ?? [] }
    var int: Int? { intValue }
    var string: String? { stringValue }
}

/// One NDJSON line of an event for `append --ndjson`.
func ndjsonLine(
    stream: String, type: String, data: String, id: String? = nil, expectedVersion: String? = nil, occurredAt: String? = nil,
    metadata: String? = nil
) -> String {
    var parts = [#""stream":"\#(stream)""#, #""type":"\#(type)""#, #""data":\#(data)"#]
    if let id { parts.append(#""id":"\#(id)""#) }
    if let expectedVersion { parts.append(#""expectedVersion":\#(expectedVersion)"#) }
    if let occurredAt { parts.append(#""occurredAt":"\#(occurredAt)""#) }
    if let metadata { parts.append(#""metadata":\#(metadata)"#) }
    return "{" + parts.joined(separator: ",") + "}"
}
