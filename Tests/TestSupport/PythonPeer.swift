public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A server of `Tests/python` (the SMTP sink, the webhook gateway) on a loopback port, run by the
/// package's Python until its stdin closes (when this is released; killed if it lingers). It
/// prints `ready` once it listens, and writes what it took as `<n>.json` files in `directory`.
public final class PythonPeer: @unchecked Sendable {
    public struct NotStarted: Error, CustomStringConvertible {
        public var description: String
    }

    /// The package's root (this file is `Tests/TestSupport/PythonPeer.swift`).
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `LUMBUNG_PYTHON`, else the package's `.venv`, else `python3` on PATH.
    public static var python: String {
        if let given = ProcessInfo.processInfo.environment["LUMBUNG_PYTHON"], !given.isEmpty { return given }
        let venv = packageRoot.appendingPathComponent(".venv/bin/python3").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "/usr/bin/python3"
    }

    /// A TCP port free on loopback now.
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
                bind(fd, p, length) == 0 ? getsockname(fd, p, &length) : -1
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    let process = ChildProcess()
    let stdin = Pipe()
    public let port = PythonPeer.freePort()
    public let directory: String

    /// Starts `Tests/python/<script>` with `arguments(port, directory)`; `directory` is made.
    /// Waiting for its `ready` blocks a thread of Dispatch, never one of the tests' cooperative
    /// pool (two threads on a 2-core machine: blocking one stalls half the suites).
    public init(_ script: String, directory: String, arguments: (Int, String) -> [String]) async throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let stdout = Pipe()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = [Self.packageRoot.appendingPathComponent("Tests/python/\(script)").path] + arguments(port, directory)
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = stdout.fileHandleForReading
        let ready = await withCheckedContinuation { (done: CheckedContinuation<Data, Never>) in
            DispatchQueue.global().async { done.resume(returning: reader.availableData) }
        }
        guard String(decoding: ready, as: UTF8.self).hasPrefix("ready") else {
            throw NotStarted(description: "\(script) did not start (is the venv made? `make deps`)")
        }
    }

    /// The files it wrote so far, in order (`1.json`, `2.json`, ...), as bytes.
    public var records: [Data] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter {
            $0.hasSuffix(".json") && !$0.hasPrefix(".")
        }
        return names.sorted { Int($0.dropLast(5)) ?? 0 < Int($1.dropLast(5)) ?? 0 }.compactMap {
            try? Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0))
        }
    }

    deinit {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
