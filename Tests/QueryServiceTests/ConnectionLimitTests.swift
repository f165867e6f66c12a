import Foundation
import Testing

@testable import QueryService

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A raw TCP connection to 127.0.0.1, for sending what no HTTP client would (half a header).
final class RawConnection {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// What arrives within `seconds`: bytes, `""` when the server closed the connection, nil when
    /// nothing came (the wait ran out).
    func receive(within seconds: Int) -> String? {
        var wait = timeval(tv_sec: seconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        if n > 0 { return String(decoding: buffer[0..<n], as: UTF8.self) }
        if n == 0 { return "" }
        return errno == EAGAIN || errno == EWOULDBLOCK ? nil : ""
    }

    deinit { close(fd) }
}

@Suite("Live server on loopback: header timeout and connection cap", .serialized)
struct ConnectionLimitTests {
    static let halfHeader = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "

    @Test("connections that send half a header are closed after the header timeout; /health answers meanwhile")
    func halfSentHeaders() async throws {
        try await withEnv { env in
            // 30 s: in the whole suite, on two busy cores, the request for /health itself once took
            // longer than a 15 s timeout to arrive, and was closed as a slow header.
            let configuration = ServiceConfiguration(host: "127.0.0.1", port: 0, headerTimeout: .seconds(30), maxConnections: 100)
            try await withLiveServer(env, configuration: configuration) { port in
                let slow = try (0..<40).map { _ in try RawConnection(port: port) }
                for c in slow { c.send(Self.halfHeader) }
                let health = try await withHangGuard { try await SSEClient.get(port: port, "/health") }
                #expect(health.status == 200)
                // Each is closed by the server (an empty read), without an answer; 60 s bounds a hang only.
                for (i, c) in slow.enumerated() {
                    #expect(c.receive(within: 60) == "", "connection \(i) was not closed")
                }
            }
        }
    }

    @Test("beyond --max-connections a new connection is not served until one closes; then it is")
    func connectionCap() async throws {
        try await withEnv { env in
            let configuration = ServiceConfiguration(host: "127.0.0.1", port: 0, headerTimeout: .seconds(600), maxConnections: 3)
            try await withLiveServer(env, configuration: configuration) { port in
                // Three connections, each proven accepted (a request answered on it) before the
                // next opens, then held with half a header.
                var holders: [RawConnection] = []
                for _ in 0..<3 {
                    let c = try RawConnection(port: port)
                    c.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    #expect(c.receive(within: 30)?.hasPrefix("HTTP/1.1 200") == true)
                    c.send(Self.halfHeader)
                    holders.append(c)
                }
                let fourth = try RawConnection(port: port)  // the kernel's backlog takes it; the server does not
                fourth.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                withExtendedLifetime(holders) { #expect(fourth.receive(within: 2) == nil, "served beyond the cap") }
                holders.removeLast()  // closes one: a slot frees
                let answer = withExtendedLifetime(holders) { fourth.receive(within: 30) }
                #expect(answer?.hasPrefix("HTTP/1.1 200") == true, "\(answer ?? "no answer")")
            }
        }
    }
}
