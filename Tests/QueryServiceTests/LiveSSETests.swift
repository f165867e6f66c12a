import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

@testable import LumbungCore
@testable import QueryService

/// One SSE message: `id:`, `event:` and the `data:` line.
struct SSEMessage: Sendable {
    let id: UInt64
    let event: String
    let data: String
}

/// A minimal SSE client over a raw NIO connection (HTTP/1.1, chunked bodies decoded by NIO):
/// it yields the response head, then each message as it arrives, and finishes when the
/// connection closes or the response ends.
final class SSEClient: @unchecked Sendable {
    enum Part: Sendable {
        case head(status: Int, headers: [(String, String)])
        case message(SSEMessage)
        /// The response ended; `body` is all of it.
        case end(body: String)
    }

    let channel: any Channel
    let parts: AsyncStream<Part>

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPClientResponsePart
        let continuation: AsyncStream<Part>.Continuation
        var pending = ""
        var body = ""

        init(_ continuation: AsyncStream<Part>.Continuation) { self.continuation = continuation }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                continuation.yield(.head(status: Int(head.status.code), headers: head.headers.map { ($0.name, $0.value) }))
            case .body(let buffer):
                body += String(buffer: buffer)
                pending += String(buffer: buffer)
                while let range = pending.range(of: "\n\n") {
                    let block = String(pending[..<range.lowerBound])
                    pending = String(pending[range.upperBound...])
                    if let m = Self.parse(block) { continuation.yield(.message(m)) }
                }
            case .end:
                continuation.yield(.end(body: body))
                continuation.finish()
            }
        }

        func channelInactive(context: ChannelHandlerContext) { continuation.finish() }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            continuation.finish()
            context.close(promise: nil)
        }

        /// A message with an id, or nil for comments and `retry:`.
        static func parse(_ block: String) -> SSEMessage? {
            var id: UInt64? = nil
            var event = "message"
            var data: [String] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix(":") { continue }
                let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let field = parts[0]
                var value = parts.count > 1 ? String(parts[1]) : ""
                if value.hasPrefix(" ") { value.removeFirst() }
                switch field {
                case "id": id = UInt64(value)
                case "event": event = value
                case "data": data.append(value)
                default: break
                }
            }
            guard let id else { return nil }
            return SSEMessage(id: id, event: event, data: data.joined(separator: "\n"))
        }
    }

    private init(channel: any Channel, parts: AsyncStream<Part>) {
        self.channel = channel
        self.parts = parts
    }

    /// Connects and sends `GET uri` with the key and, when given, `Last-Event-ID`.
    static func connect(port: Int, uri: String, token: String? = nil, lastEventID: UInt64? = nil) async throws -> SSEClient {
        let (parts, continuation) = AsyncStream<Part>.makeStream()
        let handler = Handler(continuation)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            // The address the live servers listen on: "localhost" may resolve to ::1 first, where
            // another test's server (of another address family) can hold the same port number.
            .connect(host: "127.0.0.1", port: port).get()
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "localhost")
        headers.add(name: "Accept", value: "text/event-stream")
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let lastEventID { headers.add(name: "Last-Event-ID", value: String(lastEventID)) }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: headers)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        try await channel.writeAndFlush(HTTPClientRequestPart.end(nil)).get()
        return SSEClient(channel: channel, parts: parts)
    }

    func close() async {
        try? await channel.close().get()
    }

    /// A plain `GET`: the status and the whole body.
    static func get(port: Int, _ uri: String) async throws -> (status: Int, body: String) {
        let client = try await connect(port: port, uri: uri)
        var status = 0
        var body = ""
        for await part in client.parts {
            switch part {
            case .head(let s, _): status = s
            case .message: break
            case .end(let b): body = b
            }
        }
        await client.close()
        return (status, body)
    }
}

/// Fails instead of hanging when the server never sends what a test waits for (a bound on a
/// hang, far above the time it takes: not a measure of speed).
func withHangGuard<T: Sendable>(
    seconds: Int = 120, sourceLocation: SourceLocation = #_sourceLocation, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            Issue.record("still waiting after \(seconds) s", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        return value
    }
}

/// Runs `buildApplication` on 127.0.0.1, port 0, and `body` with the port it got. The server's
/// task is cancelled afterwards (which ends even a request that never would by itself).
func withLiveServer<T: Sendable>(
    _ env: TestEnv, configuration: ServiceConfiguration = ServiceConfiguration(host: "127.0.0.1", port: 0),
    _ body: (Int) async throws -> T
) async throws -> T {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let app = buildApplication(env.services, configuration: configuration) { port in
        continuation.yield(port)
        continuation.finish()
    }
    let server = Task { try await app.run() }
    defer { server.cancel() }
    var iterator = ports.makeAsyncIterator()
    let port = try #require(await iterator.next())
    let result = try await body(port)
    server.cancel()
    _ = await server.result
    return result
}

@Suite("Live server on loopback: SSE subscription", .serialized)
struct LiveSSETests {
    /// How many `/v1/subscribe` responses have finished (Hummingbird's `hb_requests` counter,
    /// counted when a response body ends, also when its client went away).
    static func finishedSubscriptions(port: Int) async throws -> Int {
        let metrics = try await SSEClient.get(port: port, "/metrics").body
        let series = #"hb_requests{http_route="/v1/subscribe",http_request_method="GET",http_response_status_code="200"} "#
        guard let line = metrics.split(separator: "\n").first(where: { $0.hasPrefix(series) }) else { return 0 }
        return Int(Double(line.dropFirst(series.count)) ?? 0)
    }

    /// Appends `count` events to `stream`, one request each, directly to the store (a writer
    /// such as another process or the CLI).
    static func write(_ services: LumbungServices, stream: String, count: Int) async throws {
        for i in 0..<count {
            let event = try ProposedEvent(stream: stream, type: "test.ticked", value: .object([("n", .number(Double(i)))]))
            _ = try await services.store.append(AppendRequest(events: [event], actor: "test-writer"))
        }
    }

    @Test("a client that disconnects and resumes with Last-Event-ID receives every event exactly once, in order")
    func resume() async throws {
        try await withEnv { env in
            try await withLiveServer(env) { port in
                let token = env.token(.auditor)
                try await Self.write(env.services, stream: "test-pre", count: 20)
                let total = try env.head() + 60

                // Writers append while the subscribers read.
                let writers = Task {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { try await Self.write(env.services, stream: "test-w1", count: 30) }
                        group.addTask { try await Self.write(env.services, stream: "test-w2", count: 30) }
                        try await group.waitForAll()
                    }
                }

                // The first subscriber reads 25 events, then goes away.
                let first = try await withHangGuard { () -> [SSEMessage] in
                    let sse = try await SSEClient.connect(port: port, uri: "/v1/subscribe", token: token)
                    var got: [SSEMessage] = []
                    for await part in sse.parts {
                        switch part {
                        case .head(let status, let headers):
                            #expect(status == 200)
                            #expect(headers.contains { $0.0.lowercased() == "content-type" && $0.1 == "text/event-stream" })
                        case .message(let m):
                            got.append(m)
                        case .end:
                            Issue.record("the subscription ended by itself")
                        }
                        if got.count == 25 { break }
                    }
                    await sse.close()
                    return got
                }
                #expect(first.count == 25)
                let lastSeen = try #require(first.last?.id)

                // The second resumes after the last id seen and reads up to the final head.
                let second = try await withHangGuard { () -> [SSEMessage] in
                    let sse = try await SSEClient.connect(port: port, uri: "/v1/subscribe", token: token, lastEventID: lastSeen)
                    var got: [SSEMessage] = []
                    for await part in sse.parts {
                        if case .message(let m) = part { got.append(m) }
                        if got.last?.id == total { break }
                    }
                    await sse.close()
                    return got
                }
                try await writers.value

                let all = first + second
                #expect(all.map(\.id) == Array(1...total), "not every event exactly once, in order")
                for m in all {
                    let e = try #require(try JSONSerialization.jsonObject(with: Data(m.data.utf8)) as? JSONObject)
                    #expect(e.uint("position") == m.id)
                    #expect(e.string("type") == m.event)
                }
                #expect(Set(all.compactMap { m in m.event == "test.ticked" ? m.id : nil }).count == 80)
            }
        }
    }

    @Test("revoking the key ends its open subscription; other keys' streams go on")
    func revocationEndsTheStream() async throws {
        try await withEnv { env in
            let (key, token) = try await env.services.keys.create(role: .auditor, name: "soon-revoked", actor: "test")
            try await withLiveServer(env) { port in
                let revoked = try await SSEClient.connect(port: port, uri: "/v1/subscribe?type=test.ticked", token: token)
                let other = try await SSEClient.connect(port: port, uri: "/v1/subscribe?type=test.ticked", token: env.token(.auditor))
                try await Self.write(env.services, stream: "ticks", count: 1)
                // Both receive the first event.
                for sse in [revoked, other] {
                    let first = try await withHangGuard(seconds: 30) { () -> UInt64? in
                        for await part in sse.parts { if case .message(let m) = part { return m.id } }
                        return nil
                    }
                    #expect(first != nil)
                }
                try await env.services.keys.revoke(keyId: key.keyId, reason: "lost", actor: "test")
                // The revoked key's response ends by itself (no event needed to notice).
                let ended = try await withHangGuard(seconds: 30) { () -> Bool in
                    for await part in revoked.parts { if case .end = part { return true } }
                    return true  // the connection closed
                }
                #expect(ended)
                // The other stream still delivers.
                try await Self.write(env.services, stream: "ticks", count: 1)
                let next = try await withHangGuard(seconds: 30) { () -> UInt64? in
                    for await part in other.parts { if case .message(let m) = part { return m.id } }
                    return nil
                }
                #expect(next != nil)
                await revoked.close()
                await other.close()
            }
        }
    }

    @Test("a subscriber that goes away while the log is idle is let go (its request ends)")
    func idleDisconnect() async throws {
        try await withEnv { env in
            try await withLiveServer(env) { port in
                try await Self.write(env.services, stream: "test-idle", count: 3)
                let head = try env.head()
                let finishedBefore = try await Self.finishedSubscriptions(port: port)
                try await withHangGuard {
                    let sse = try await SSEClient.connect(port: port, uri: "/v1/subscribe", token: env.token(.auditor))
                    var seen: UInt64 = 0
                    for await part in sse.parts {
                        if case .message(let m) = part { seen = m.id }
                        if seen == head { break }
                    }
                    await sse.close()
                }
                // Nothing more is written: only noticing the closed connection ends the response,
                // which is then counted as finished.
                try await withHangGuard {
                    while try await Self.finishedSubscriptions(port: port) < finishedBefore + 1 {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }
                #expect(try env.head() == head)
            }
        }
    }

    @Test("a subscription with a filter and `to` sends the matching events, then ends")
    func filteredAndBounded() async throws {
        try await withEnv { env in
            try await withLiveServer(env) { port in
                try await Self.write(env.services, stream: "test-a", count: 5)
                try await Self.write(env.services, stream: "other-b", count: 5)
                let head = try env.head()
                let got = try await withHangGuard { () -> (messages: [SSEMessage], ended: Bool) in
                    let sse = try await SSEClient.connect(
                        port: port, uri: "/v1/subscribe?category=test&from=3&to=\(head)", token: env.token(.admin))
                    var messages: [SSEMessage] = []
                    var ended = false
                    for await part in sse.parts {
                        if case .message(let m) = part { messages.append(m) }
                        if case .end = part { ended = true }
                    }
                    await sse.close()
                    return (messages, ended)
                }
                #expect(got.ended)
                #expect(got.messages.count == 5)
                #expect(got.messages.allSatisfy { $0.event == "test.ticked" })
                #expect(got.messages.map(\.id) == got.messages.map(\.id).sorted())
                // A plain request on the same server.
                let health = try await SSEClient.get(port: port, "/health")
                #expect(health.status == 200)
                #expect(health.body.contains(#""headPosition":\#(head)"#))
            }
        }
    }
}
