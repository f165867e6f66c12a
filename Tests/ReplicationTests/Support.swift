import EventLog
import Foundation
import Logging
import Replication
import TestSupport
import Testing

/// A scratch directory, removed when released.
final class ScratchDirectory: @unchecked Sendable {
    let path: String
    init(_ label: String) {
        path = NSTemporaryDirectory() + "lumbung-\(label)-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func sub(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The lines a relay or a follower run in the test process logs (from any thread).
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }

    /// A logger whose messages (any level) are added here.
    var logger: Logger {
        var logger = Logger(label: "test") { _ in LinesHandler(lines: self) }
        logger.logLevel = .trace
        return logger
    }
}

/// A swift-log handler adding each message to `LogLines`.
struct LinesHandler: LogHandler {
    let lines: LogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) { lines.add("\(event.message)") }
}

/// The primary's audit signing key of the relays these tests run (one per process), and so the
/// key their followers trust.
let testSigningKey: AuditSigningKey = {
    // Removed when the test process exits (the key is the process's: each run makes its own).
    atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "lumbung-test-signing-\(getpid())") }
    let directory = NSTemporaryDirectory() + "lumbung-test-signing-\(getpid())"
    return try! AuditSigningKey.loadOrCreate(dataDirectory: directory)
}()

/// Where the built `lumbung` binary is (next to the test bundle, in the build directory).
enum Binaries {
    static var lumbung: String {
        var candidates: [String] = []
        let bundleDir = Bundle.main.bundleURL.deletingLastPathComponent().path
        candidates.append((Bundle.main.bundlePath as NSString).appendingPathComponent("lumbung"))
        candidates.append((bundleDir as NSString).appendingPathComponent("lumbung"))
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/lumbung").path)
        for c in candidates where FileManager.default.isExecutableFile(atPath: c) { return c }
        return candidates.last ?? "lumbung"
    }

    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// The Python of the independent checkers: `LUMBUNG_PYTHON`, else the package's `.venv`, else `python3` on PATH.
    static var python: String {
        if let given = ProcessInfo.processInfo.environment["LUMBUNG_PYTHON"], !given.isEmpty { return given }
        let venv = packageRoot + "/.venv/bin/python3"
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
    }

    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin:/usr/sbin:/sbin").split(separator: ":")
        where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        for dir in ["/usr/sbin", "/usr/bin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        return nil
    }
}

/// A child process whose output goes to files; killed (SIGKILL) when released.
final class Child: @unchecked Sendable {
    let name: String
    let process = ChildProcess()
    let logPath: String

    init(_ name: String, executable: String, arguments: [String], logDirectory: String) throws {
        self.name = name
        logPath = (logDirectory as NSString).appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var isRunning: Bool { process.isRunning }
    var pid: Int32 { process.processIdentifier }

    func kill(_ signal: Int32 = SIGKILL) {
        if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
        process.waitUntilExit()
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit { if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) } }
}

/// Runs a command to completion (killed after `timeout`, a guard against hanging only).
@discardableResult
func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(120)) throws -> (
    status: Int32, stdout: String, stderr: String
) {
    // Output goes to files, not pipes: a pipe's end is inherited by any child started meanwhile
    // (a relay, a follower), and reading it to its end then waits for that child to exit.
    let base = NSTemporaryDirectory() + "lumbung-run-\(UUID().uuidString)"
    FileManager.default.createFile(atPath: base + ".out", contents: nil)
    FileManager.default.createFile(atPath: base + ".err", contents: nil)
    defer {
        try? FileManager.default.removeItem(atPath: base + ".out")
        try? FileManager.default.removeItem(atPath: base + ".err")
    }
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".out"))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".err"))
    let process = ChildProcess()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    try? out.close()
    try? err.close()
    let guardTimer = DispatchSource.makeTimerSource()
    guardTimer.schedule(deadline: .now() + .milliseconds(Int(timeout.components.seconds * 1000)))
    let pid = process.processIdentifier
    guardTimer.setEventHandler { Foundation.kill(pid, SIGKILL) }
    guardTimer.resume()
    process.waitUntilExit()
    guardTimer.cancel()
    let outData = FileManager.default.contents(atPath: base + ".out") ?? Data()
    let errData = FileManager.default.contents(atPath: base + ".err") ?? Data()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// Runs `lumbung` with `arguments`.
@discardableResult
func lumbung(_ arguments: [String], timeout: Duration = .seconds(120)) throws -> (status: Int32, stdout: String, stderr: String) {
    try run(Binaries.lumbung, arguments, timeout: timeout)
}

/// A TCP port free on loopback now.
func freePort() -> Int { freePorts(1)[0] }

/// `count` distinct TCP ports free on loopback now: every socket stays bound until all are
/// chosen, so the kernel cannot hand out one port twice.
func freePorts(_ count: Int) -> [Int] {
    var sockets: [Int32] = []
    defer { for fd in sockets { close(fd) } }
    var ports: [Int] = []
    for _ in 0..<count {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        sockets.append(fd)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        ports.append(Int(UInt16(bigEndian: addr.sin_port)))
    }
    return ports
}

/// Waits until `condition` holds, checking every `interval`; false after `timeout` (a guard
/// against hanging: tests never depend on how fast something happens).
func eventually(timeout: Duration = .seconds(120), interval: Duration = .milliseconds(200), _ condition: () throws -> Bool) async rethrows
    -> Bool
{
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try condition()
}

/// An HTTP GET on loopback (status and body), nil when nothing answers.
func httpGet(_ url: String, headers: [String: String] = [:]) throws -> (status: Int, body: String)? {
    let r = try run(
        "/usr/bin/env",
        [
            Binaries.python, "-c",
            """
            import sys, urllib.request, urllib.error
            req = urllib.request.Request(sys.argv[1], method=sys.argv[2])
            for h in sys.argv[3:]:
                k, v = h.split(":", 1); req.add_header(k, v)
            try:
                r = urllib.request.urlopen(req, timeout=10); print(r.status); print(r.read().decode())
            except urllib.error.HTTPError as e:
                print(e.code); print(e.read().decode())
            except Exception as e:
                print(0); print(e)
            """, url, "GET",
        ] + headers.map { "\($0.key):\($0.value)" }, timeout: .seconds(30))
    let lines = r.stdout.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    guard let first = lines.first, let status = Int(first), status != 0 else { return nil }
    return (status, lines.count > 1 ? String(lines[1]) : "")
}

/// An HTTP request with a body on loopback.
func httpSend(_ method: String, _ url: String, body: String, headers: [String: String] = [:]) throws -> (status: Int, body: String) {
    let r = try run(
        "/usr/bin/env",
        [
            Binaries.python, "-c",
            """
            import sys, urllib.request, urllib.error
            req = urllib.request.Request(sys.argv[1], method=sys.argv[2], data=sys.argv[3].encode())
            req.add_header("Content-Type", "application/json")
            for h in sys.argv[4:]:
                k, v = h.split(":", 1); req.add_header(k, v)
            try:
                r = urllib.request.urlopen(req, timeout=10); print(r.status); print(r.read().decode())
            except urllib.error.HTTPError as e:
                print(e.code); print(e.read().decode())
            """, url, method, body,
        ] + headers.map { "\($0.key):\($0.value)" }, timeout: .seconds(30))
    let lines = r.stdout.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    return (Int(lines.first ?? "") ?? 0, lines.count > 1 ? String(lines[1]) : "")
}

/// Parses one JSON object line.
func jsonObject(_ text: String) -> [String: Any]? {
    guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("{") }) else { return nil }
    return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
}

/// Appends `count` small events (`test.happened`, data `{"k":k}`) to `store`, one request each,
/// over the streams `aid-0` ... `aid-<streams - 1>`.
func appendTestEvents(_ store: EventStore, count: Int, streams: Int) throws {
    for k in 0..<count {
        _ = try store.appendBlocking(
            try AppendRequest(
                stream: "aid-\(k % streams)", events: [("test.happened", Array(#"{"k":\#(k)}"#.utf8))], actor: "test"))
    }
}

/// A relay of `store` running in a task (one JetStream replica, memory storage, unless
/// `configure` says otherwise), logging to `lines`. Cancel the task to stop it.
func startRelay(
    _ store: EventStore, urls: [String], lines: LogLines = LogLines(), configure: (inout Relay.Configuration) -> Void = { _ in }
) -> (Relay, Task<Void, any Error>) {
    var configuration = Relay.Configuration(urls: urls)
    configuration.replicas = 1
    configuration.fileStorage = false
    configure(&configuration)
    let relay = Relay(store: store, signingKey: testSigningKey, configuration: configuration, logger: lines.logger)
    return (relay, Task { try await relay.run() })
}

/// A follower running on its own thread (fetching with a short wait), logging to `lines`.
final class FollowerThread: @unchecked Sendable {
    let follower: Follower
    private let finished = DispatchSemaphore(value: 0)

    private let lock = NSLock()
    private var failure: ReplicationError?

    init(
        _ store: EventStore, dataDirectory: String, urls: [String], durable: String, lines: LogLines,
        configure: (inout Follower.Configuration) -> Void = { _ in }
    ) {
        var configuration = Follower.Configuration(urls: urls, durable: durable, primaryKey: testSigningKey.publicKey)
        configuration.fetchWait = .milliseconds(100)
        configure(&configuration)
        follower = Follower(store: store, dataDirectory: dataDirectory, configuration: configuration, logger: lines.logger)
        Thread { [self] in
            do throws(ReplicationError) {
                try follower.run()
            } catch {
                lock.withLock { failure = error }
            }
            finished.signal()
        }.start()
    }

    /// Why its `run` threw, once it did.
    var error: ReplicationError? { lock.withLock { failure } }

    /// Stops it; whether its `run` returned within 10 s.
    @discardableResult
    func stop() -> Bool {
        follower.stop()
        return finished.wait(timeout: .now() + 10) == .success
    }
}
