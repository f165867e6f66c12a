import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `lumbung serve` as a child process on a free loopback port, its output in files.
final class Server: @unchecked Sendable {
    let process = ChildProcess()
    let port: Int
    let logPath: String

    init(dataDirectory: String, scratch: Scratch, label: String, arguments: [String] = []) throws {
        port = loopbackPort()
        logPath = scratch.file("serve-\(label).log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = try CLI.requireBinary()
        process.arguments = ["serve", "--data-dir", dataDirectory, "--host", "127.0.0.1", "--port", String(port)] + arguments
        process.environment = CLI.environment
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// `/health` once it answers 200 (nil when the process ends or `timeout` passes first).
    func waitForHealth(timeout: Duration) async -> [String: Any]? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, process.isRunning {
            if let r = httpRequest(port: port, "GET", "/health"), r.status == 200 {
                return (try? JSONSerialization.jsonObject(with: Data(r.body.utf8))) as? [String: Any]
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// The exit status once the process has ended by itself (nil when it was killed by a signal,
    /// or still ran after `timeout`: then it is killed).
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return process.terminationReason == .exit ? process.terminationStatus : nil
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// A TCP port free on loopback now.
func loopbackPort() -> Int { PythonPeer.freePort() }

/// One HTTP/1.1 request to 127.0.0.1:`port` on a connection of its own (closed after the
/// answer): the status and the body; nil when nothing answers.
func httpRequest(port: Int, _ method: String, _ path: String, headers: [String: String] = [:], body: String? = nil) -> (
    status: Int, body: String
)? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var wait = timeval(tv_sec: 10, tv_usec: 0)
    _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return nil }
    var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
    for (name, value) in headers { request += "\(name): \(value)\r\n" }
    if let body { request += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
    request += "\r\n" + (body ?? "")
    let bytes = Array(request.utf8)
    var sent = 0
    while sent < bytes.count {
        let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard n > 0 else { return nil }
        sent += n
    }
    var response: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        guard n > 0 else { break }
        response += buffer[0..<n]
    }
    let text = String(decoding: response, as: UTF8.self)
    guard let statusLine = text.split(separator: "\r\n", maxSplits: 1).first else { return nil }
    let parts = statusLine.split(separator: " ")
    guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
    let answer = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
    return (status, answer)
}

@Suite("serve stops gracefully on SIGTERM and SIGINT", .serialized)
struct ServeShutdownTests {
    @Test("serve answers /health, writes, exits 0 on SIGTERM (then SIGINT) and serves the same log again, which verifies")
    func gracefulShutdown() async throws {
        let scratch = try Scratch("serve-shutdown")
        let data = scratch.file("data")
        let key = try await CLI.run(["keys", "create", "--data-dir", data, "--role", "admin", "--name", "e2e-shutdown"])
        #expect(key.status == 0, "\(key)")
        let token = try #require(try key.json().first?["token"]?.string)
        var head = 1  // the key's making
        for (round, signal) in [(1, SIGTERM), (2, SIGINT)] {
            let server = try Server(dataDirectory: data, scratch: scratch, label: "\(round)")
            let health = try #require(await server.waitForHealth(timeout: .seconds(120)), "no /health: \(server.log)")
            #expect(health["status"] as? String == "ok")
            #expect((health["headPosition"] as? NSNumber)?.intValue == head, "round \(round): the log reopened at another head")
            // A write through the server just before the signal: durable when answered.
            let write = httpRequest(
                port: server.port, "POST", "/v1/streams/shutdown-test", headers: ["Authorization": "Bearer \(token)"],
                body: #"{"type":"test.noted","data":{"round":\#(round)}}"#)
            #expect(write?.status == 201, "\(write?.body ?? "no answer"): \(server.log)")
            head += 1
            #expect(kill(server.process.processIdentifier, signal) == 0)
            let status = await server.waitForExit(timeout: .seconds(30))
            #expect(status == 0, "round \(round): serve did not exit 0 within 30 s of signal \(signal): \(server.log)")
        }
        let verify = try await CLI.run(["verify", "--data-dir", data])
        #expect(verify.status == 0, "\(verify)")
        #expect(try verify.json().first?["events"]?.int == head)
    }

    @Test("serve --log-format json: every line on stderr is a JSON object; one access line per request, no token, PIN or query")
    func jsonLogs() async throws {
        let scratch = try Scratch("serve-json-logs")
        let data = scratch.file("data")
        let key = try await CLI.run(["keys", "create", "--data-dir", data, "--role", "admin", "--name", "e2e-logs"])
        let token = try #require(try key.json().first?["token"]?.string)
        let server = try Server(dataDirectory: data, scratch: scratch, label: "json", arguments: ["--log-format", "json"])
        _ = try #require(await server.waitForHealth(timeout: .seconds(120)), "no /health: \(server.log)")
        let write = httpRequest(
            port: server.port, "POST", "/v1/streams/logged", headers: ["Authorization": "Bearer \(token)"],
            body: #"{"type":"test.noted","data":{}}"#)
        #expect(write?.status == 201)
        let lookup = httpRequest(port: server.port, "GET", "/v1/documents/applications/MTR-2026-000001?pin=SECRETPN")
        #expect(lookup != nil)
        let ready = httpRequest(port: server.port, "GET", "/health/ready")
        #expect(ready?.status == 200, "\(ready?.body ?? "no answer")")
        #expect(kill(server.process.processIdentifier, SIGTERM) == 0)
        #expect(await server.waitForExit(timeout: .seconds(30)) == 0)
        let lines = server.log.split(separator: "\n")
        #expect(!lines.isEmpty)
        var access: [[String: Any]] = []
        for line in lines {
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            #expect(object != nil, "not a JSON line: \(line)")
            if let object, object["message"] as? String == "request" { access.append(object) }
        }
        // waitForHealth's /health (at least one), the write, the lookup, /health/ready.
        let routes = access.compactMap { $0["route"] as? String }
        #expect(routes.contains("/v1/streams/{stream}"), "\(routes)")
        #expect(routes.contains("/v1/documents/applications/{receiptNumber}"), "\(routes)")
        #expect(routes.contains("/health/ready"), "\(routes)")
        #expect(access.allSatisfy { $0["requestId"] is String && $0["status"] is NSNumber && $0["durationSeconds"] is NSNumber })
        #expect(access.first { $0["route"] as? String == "/v1/streams/{stream}" }?["keyId"] is String)
        #expect(!server.log.contains(token))
        #expect(!server.log.contains("SECRETPN"))
        #expect(!server.log.contains("MTR-2026-000001"))
    }

    @Test("serve --metrics-address: /metrics is served there and not on the API's port; N appends make the counters N")
    func metricsAddress() async throws {
        let scratch = try Scratch("serve-metrics")
        let data = scratch.file("data")
        let key = try await CLI.run(["keys", "create", "--data-dir", data, "--role", "admin", "--name", "e2e-metrics"])
        let token = try #require(try key.json().first?["token"]?.string)
        let metricsPort = loopbackPort()
        let server = try Server(
            dataDirectory: data, scratch: scratch, label: "metrics", arguments: ["--metrics-address", "127.0.0.1:\(metricsPort)"])
        _ = try #require(await server.waitForHealth(timeout: .seconds(120)), "no /health: \(server.log)")
        let n = 5
        for i in 0..<n {
            let write = httpRequest(
                port: server.port, "POST", "/v1/streams/metered-\(i)", headers: ["Authorization": "Bearer \(token)"],
                body: #"{"type":"test.noted","data":{}}"#)
            #expect(write?.status == 201)
        }
        #expect(httpRequest(port: server.port, "GET", "/metrics")?.status == 404)
        let metrics = try #require(httpRequest(port: metricsPort, "GET", "/metrics"), "nothing on the metrics address: \(server.log)")
        #expect(metrics.status == 200)
        func value(_ name: String) -> Double? {
            metrics.body.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
        }
        #expect(value("lumbung_appended_events_total") == Double(n), "\(metrics.body)")
        #expect(value("lumbung_append_requests_total") == Double(n))
        #expect(value("lumbung_append_duration_seconds_count") == Double(n))
        #expect((value("lumbung_commit_duration_seconds_count") ?? 0) >= 1, "one or more group commits")
        #expect(value("lumbung_log_head_position") == Double(n + 1))  // the key's event, then the appends
        #expect(httpRequest(port: metricsPort, "GET", "/health")?.status == 404)
        #expect(kill(server.process.processIdentifier, SIGTERM) == 0)
        #expect(await server.waitForExit(timeout: .seconds(30)) == 0)
    }
}
