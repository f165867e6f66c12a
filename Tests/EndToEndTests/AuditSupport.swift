import EventLog
import Foundation
import JSON
import TestSupport
import Testing

/// What one run of a program left behind.
struct AuditRun: CustomStringConvertible {
    var status: Int32
    var stdout: [UInt8]
    var stderr: String

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    /// The first stdout line, parsed.
    func json() throws -> JSONValue {
        let line = try #require(stdout.split(separator: 0x0A).first, "no output: \(self)")
        return try JSONParser.parse(Array(line))
    }
    /// Whether stderr is exactly one newline-terminated line.
    var stderrIsOneLine: Bool { stderr.hasSuffix("\n") && stderr.filter { $0 == "\n" }.count == 1 }

    var description: String { "exit \(status)\nstdout: \(stdoutText.prefix(3000))\nstderr: \(stderr.prefix(3000))" }
}

/// Runs the real `lumbung` binary (found next to the test bundle, or `LUMBUNG_BINARY`) and the
/// independent Python checker.
enum AuditTool {
    static let script = packageRoot.appendingPathComponent("Scripts/verify_export.py").path

    /// Runs `lumbung args...`. The pinned audit key is read from `configHome` (`XDG_CONFIG_HOME`),
    /// never from the tester's own configuration or environment.
    static func lumbung(_ args: [String], configHome: String? = nil, environment extra: [String: String] = [:]) throws -> AuditRun {
        let exe = try CLI.requireBinary()
        var env = isolated(configHome: configHome)
        env["LUMBUNG_DATA_DIR"] = nil
        env["USER"] = "audit-tester"
        env.merge(extra) { $1 }
        return try execute(exe, args, environment: env)
    }

    /// Runs Scripts/verify_export.py with `python` (below), isolated as `lumbung` is.
    static func script(_ args: [String], configHome: String? = nil, environment extra: [String: String] = [:]) throws -> AuditRun {
        var env = isolated(configHome: configHome)
        env.merge(extra) { $1 }
        return try execute(URL(fileURLWithPath: "/usr/bin/env"), [python, script] + args, environment: env)
    }

    /// The environment without a pinned key of the tester's: `XDG_CONFIG_HOME` points at
    /// `configHome` (or a directory that holds nothing).
    static func isolated(configHome: String?) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["LUMBUNG_AUDIT_PUBLIC_KEY"] = nil
        env["XDG_CONFIG_HOME"] = configHome ?? "/nonexistent/lumbung-test-config"
        return env
    }

    /// The Python of the independent checkers: `LUMBUNG_PYTHON`, else the package's `.venv`, else `python3` on PATH.
    static var python: String {
        if let given = ProcessInfo.processInfo.environment["LUMBUNG_PYTHON"], !given.isEmpty { return given }
        let venv = packageRoot.appendingPathComponent(".venv/bin/python3").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
    }

    private static func execute(_ exe: URL, _ args: [String], environment: [String: String]?) throws -> AuditRun {
        let scratch = try AuditScratch("run")
        let outPath = scratch.file("stdout")
        let errPath = scratch.file("stderr")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let process = ChildProcess()
        process.executableURL = exe
        process.arguments = args
        if let environment { process.environment = environment }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return AuditRun(
            status: process.terminationStatus, stdout: [UInt8](try Data(contentsOf: URL(fileURLWithPath: outPath))),
            stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self))
    }

    /// One NDJSON line of an event for `append --ndjson`.
    static func eventLine(_ n: Int, stream: String? = nil, marker: String = "orig") -> String {
        let data =
            #"{"n":\#(n),"marker":"\#(marker)-\#(n)","items":[{"item":"beras","unit":"kg","quantity":\#(n * 10)}],"price":\#(n).25,"note":"Kelurahan Pejanggik — bantuan 🍚"}"#
        let name = stream ?? "ledger-\(n % 4)"
        return #"{"stream":"\#(name)","type":"audit.entry","data":\#(data)}"#
    }

    /// Appends `lines` to the log of `dataDir`; the run must succeed.
    static func seed(_ dataDir: String, _ lines: [String], in scratch: AuditScratch, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let file = try scratch.write("seed-\(UUID().uuidString).ndjson", lines.joined(separator: "\n") + "\n")
        let r = try lumbung(["append", "--ndjson", file, "--atomic", "--data-dir", dataDir])
        #expect(r.status == 0, "\(r)", sourceLocation: sourceLocation)
    }
}

/// A fresh temporary directory, removed when released.
final class AuditScratch: @unchecked Sendable {
    let path: String

    init(_ label: String) throws {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("lumbung-audit-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let p = file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let p = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    func lines(_ name: String) throws -> [String] {
        try String(contentsOfFile: file(name), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
