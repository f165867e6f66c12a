import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import QueryService

@Suite("Routes: the raw log (events, streams, append, export, subscribe errors)")
struct EventsRoutesTests {
    static let eventKeys: Set<String> = [
        "position", "stream", "version", "id", "type", "occurredAt", "recordedAt", "metadata", "data", "prevHash", "hash",
    ]

    /// Appends `count` raw events to `stream` as admin.
    static func appendSome(_ client: any TestClientProtocol, _ env: TestEnv, stream: String, count: Int) async throws {
        for i in 0..<count {
            let r = try await client.post("/v1/streams/\(stream)", token: env.token(.admin), body: Fx.rawEvent(data: #"{"n":\#(i)}"#))
            #expect(r.status == .created, "\(r.text)")
        }
    }

    // MARK: GET /v1/events

    @Test("GET /v1/events pages the log with a cursor, as JSON and as NDJSON")
    func events() async throws {
        try await withRouter { env, client in
            try await Self.appendSome(client, env, stream: "test-1", count: 3)
            let head = try env.head()
            let auditor = env.token(.auditor)

            let all = try await client.get("/v1/events?limit=10000", token: auditor)
            #expect(all.status == .ok)
            #expect(all.contentType == "application/json")
            let page = try all.object()
            #expect(page.uint("head") == head)
            #expect(page["next"] is NSNull)
            let events = page.objects("events")
            #expect(events.count == Int(head))
            #expect(events.map { $0.uint("position") ?? 0 } == Array(1...head))
            #expect(Set(events[0].keys) == Self.eventKeys)
            #expect(events.last?.object("metadata")?.string("actor")?.hasPrefix("key:") == true)

            // Pages of 2 from position 1, following `next`.
            var seen: [UInt64] = []
            var uri = "/v1/events?limit=2"
            while true {
                let p = try await client.get(uri, token: auditor).object()
                seen += p.objects("events").compactMap { $0.uint("position") }
                guard let next = p.string("next") else { break }
                uri = "/v1/events?limit=2&cursor=\(next)"
            }
            #expect(seen == Array(1...head))

            // Filtered by type and category; NDJSON by format and by Accept.
            let typed = try await client.get("/v1/events?type=test.noted&category=test", token: auditor).object()
            #expect(typed.objects("events").count == 3)
            #expect(try await client.get("/v1/events?type=test.other,test.noted", token: auditor).object().objects("events").count == 3)
            let nd = try await client.get("/v1/events?type=test.noted&limit=2&format=ndjson", token: auditor)
            #expect(nd.status == .ok)
            #expect(nd.contentType == "application/x-ndjson")
            #expect(nd.text.split(separator: "\n").count == 2)
            #expect(nd.headers[HTTPField.Name("Lumbung-Next-Cursor")!] != nil)
            var accept = HTTPFields()
            accept[.accept] = "application/x-ndjson"
            let nd2 = try await client.get("/v1/events?from=\(head)", token: auditor, headers: accept)
            #expect(nd2.contentType == "application/x-ndjson")
            #expect(nd2.text.split(separator: "\n").count == 1)
            #expect(nd2.headers[HTTPField.Name("Lumbung-Next-Cursor")!] == nil)
        }
    }

    @Test(
        "GET /v1/events refuses bad parameters, naming them",
        arguments: [
            ("type=Not_A_Type", "type"), ("limit=0", "limit"), ("limit=10001", "limit"), ("limit=x", "limit"),
            ("cursor=0", "cursor"), ("cursor=abc", "cursor"), ("from=-1", "from"), ("to=x", "to"), ("since=yesterday", "since"),
            ("until=2018-13-01", "until"), ("until=2018-08-01&recordedUntil=later", "recordedUntil"),
            ("occurredSince=2018-08-06T25:00:00Z", "occurredSince"), ("format=xml", "format"),
        ])
    func eventsBadInput(_ query: String, _ field: String) async throws {
        try await withRouter { env, client in
            expectProblem(try await client.get("/v1/events?\(query)", token: env.token(.auditor)), .badRequest, field: field)
        }
    }

    // MARK: GET /v1/streams/{stream}

    @Test("GET /v1/streams/{stream} pages one stream forward and backward")
    func stream() async throws {
        try await withRouter { env, client in
            try await Self.appendSome(client, env, stream: "test-s", count: 5)
            let auditor = env.token(.auditor)
            let p = try await client.get("/v1/streams/test-s?limit=2", token: auditor)
            #expect(p.status == .ok)
            let page = try p.object()
            #expect(page.uint("version") == 5)
            #expect(page.objects("events").map { $0.uint("version") ?? 0 } == [1, 2])
            #expect(page.string("next") == "3")
            let rest = try await client.get("/v1/streams/test-s?cursor=3", token: auditor).object()
            #expect(rest.objects("events").map { $0.uint("version") ?? 0 } == [3, 4, 5])
            #expect(rest["next"] is NSNull)
            let back = try await client.get("/v1/streams/test-s?direction=backward&limit=2", token: auditor).object()
            #expect(back.objects("events").map { $0.uint("version") ?? 0 } == [5, 4])
            #expect(back.string("next") == "3")
            let nd = try await client.get("/v1/streams/test-s?format=ndjson", token: auditor)
            #expect(nd.contentType == "application/x-ndjson")
            #expect(nd.text.split(separator: "\n").count == 5)
        }
    }

    @Test("GET /v1/streams/{stream}: 404 for a stream that does not exist, 400 for bad input")
    func streamErrors() async throws {
        try await withRouter { env, client in
            let auditor = env.token(.auditor)
            expectProblem(try await client.get("/v1/streams/test-nothing", token: auditor), .notFound)
            expectProblem(try await client.get("/v1/streams/-bad", token: auditor), .badRequest, field: "stream")
            expectProblem(try await client.get("/v1/streams/a%20b", token: auditor), .badRequest, field: "stream")
            try await Self.appendSome(client, env, stream: "test-s", count: 1)
            expectProblem(try await client.get("/v1/streams/test-s?direction=up", token: auditor), .badRequest, field: "direction")
            expectProblem(try await client.get("/v1/streams/test-s?cursor=x", token: auditor), .badRequest, field: "cursor")
            expectProblem(try await client.get("/v1/streams/test-s?limit=0", token: auditor), .badRequest, field: "limit")
            expectProblem(try await client.get("/v1/streams/test-s?format=csv", token: auditor), .badRequest, field: "format")
        }
    }

    // MARK: POST /v1/streams/{stream}

    @Test("POST /v1/streams/{stream} appends one event or a batch (201), with positions and hashes")
    func append() async throws {
        try await withRouter { env, client in
            let admin = env.token(.admin)
            let before = try env.head()
            let one = try await client.post("/v1/streams/test-a", token: admin, body: Fx.rawEvent())
            #expect(one.status == .created)
            let r = try one.object()
            #expect(r.uint("position") == before + 1)
            #expect(r["duplicate"] as? Bool == false)
            let result = try #require(r.objects("results").first)
            #expect(result.uint("version") == 1)
            #expect(result.string("hash")?.count == 64)

            let batch =
                #"{"expectedVersion":1,"events":[\#(Fx.rawEvent()),{"type":"test.noted","data":{},"occurredAt":"2018-08-06T10:00:00+08:00","metadata":{"correlationId":"c-1","actor":"ignored"}}]}"#
            let b = try await client.post("/v1/streams/test-a", token: admin, body: batch)
            #expect(b.status == .created, "\(b.text)")
            #expect(try b.object().objects("results").map { $0.uint("version") ?? 0 } == [2, 3])
            let events = try await client.get("/v1/streams/test-a", token: env.token(.auditor)).object().objects("events")
            #expect(events[2].string("occurredAt") == "2018-08-06T02:00:00.000Z")
            #expect(events[2].object("metadata")?.string("correlationId") == "c-1")
            #expect(events[2].object("metadata")?.string("actor")?.hasPrefix("key:") == true)
            // The query's expectedVersion wins over the body's.
            let q = try await client.post(
                "/v1/streams/test-a?expectedVersion=3", token: admin,
                body: #"{"expectedVersion":"no-stream","type":"test.noted","data":{}}"#)
            #expect(q.status == .created, "\(q.text)")
        }
    }

    @Test("stream names in the path may be percent-encoded")
    func percentEncodedStream() async throws {
        try await withRouter { env, client in
            let r = try await client.post("/v1/streams/donation-DN%3A2018%3A1", token: env.token(.admin), body: Fx.rawEvent())
            #expect(r.status == .created, "\(r.text)")
            let page = try await client.get("/v1/streams/donation-DN:2018:1", token: env.token(.auditor)).object()
            #expect(page.objects("events").first?.string("stream") == "donation-DN:2018:1")
            #expect(try await client.get("/v1/streams/donation-DN%3a2018%3a1", token: env.token(.auditor)).status == .ok)
        }
    }

    @Test("POST /v1/streams/{stream}: an invalid expectedVersion in the body is refused even when the query has one")
    func bodyExpectedVersionChecked() async throws {
        try await withRouter { env, client in
            let head = try env.head()
            for bad in ["1e30", "9007199254740992", "1.5", "null", "true", #""2x""#] {
                let r = try await client.post(
                    "/v1/streams/test-q?expectedVersion=any", token: env.token(.admin),
                    body: #"{"expectedVersion":\#(bad),"type":"test.noted","data":{}}"#)
                expectProblem(r, .badRequest, field: "expectedVersion")
            }
            #expect(try env.head() == head)
            let ok = try await client.post(
                "/v1/streams/test-q", token: env.token(.admin), body: #"{"expectedVersion":0,"type":"test.noted","data":{}}"#)
            #expect(ok.status == .created)
        }
    }

    @Test("POST /v1/streams/{stream}: the same ids again is 200 with the original positions; other content is 409")
    func appendIdempotency() async throws {
        try await withRouter { env, client in
            let admin = env.token(.admin)
            let id = "6f1c8a9e-2d5b-4c61-9a0e-3b7f5d2c1e44"
            let first = try await client.post("/v1/streams/test-i", token: admin, body: Fx.rawEvent(id: id))
            #expect(first.status == .created)
            let position = try first.object().uint("position")
            let head = try env.head()
            let again = try await client.post("/v1/streams/test-i", token: admin, body: Fx.rawEvent(id: id.uppercased()))
            #expect(again.status == .ok)
            #expect(try again.object().uint("position") == position)
            #expect(try again.object()["duplicate"] as? Bool == true)
            let other = try await client.post("/v1/streams/test-i", token: admin, body: Fx.rawEvent(data: #"{"n":2}"#, id: id))
            expectProblem(other, .conflict, field: "id")
            #expect(try env.head() == head)
        }
    }

    @Test("POST /v1/streams/{stream}: an expected version that does not hold is a 409 with actualVersion")
    func appendExpectedVersion() async throws {
        try await withRouter { env, client in
            let admin = env.token(.admin)
            #expect(try await client.post("/v1/streams/test-v", token: admin, body: Fx.rawEvent()).status == .created)
            let head = try env.head()
            for (query, body) in [
                ("?expectedVersion=no-stream", Fx.rawEvent()), ("?expectedVersion=5", Fx.rawEvent()),
                ("", #"{"expectedVersion":0,"type":"test.noted","data":{}}"#),
                ("", #"{"expectedVersion":"2","events":[\#(Fx.rawEvent())]}"#),
            ] {
                let r = try await client.post("/v1/streams/test-v\(query)", token: admin, body: body)
                expectProblem(r, .conflict, field: "expectedVersion")
                #expect(try r.object().uint("actualVersion") == 1)
            }
            let missing = try await client.post("/v1/streams/test-none?expectedVersion=exists", token: admin, body: Fx.rawEvent())
            expectProblem(missing, .conflict, field: "expectedVersion")
            #expect(try missing.object().uint("actualVersion") == 0)
            #expect(try env.head() == head)
        }
    }

    @Test(
        "POST /v1/streams/{stream} refuses bad input with a 400 naming the field, writing nothing",
        arguments: [
            ("test-b", #"{"data":{}}"#, "type"),
            ("test-b", #"{"type":"Bad Type","data":{}}"#, "type"),
            ("test-b", #"{"type":"test.noted"}"#, "data"),
            ("test-b", #"{"type":"test.noted","data":[1]}"#, "data"),
            ("test-b", #"{"type":"test.noted","data":{"x":0.12345}}"#, "data.x"),
            ("test-b", #"{"type":"test.noted","data":{},"id":"not-a-uuid"}"#, "id"),
            ("test-b", #"{"type":"test.noted","data":{},"occurredAt":"yesterday"}"#, "occurredAt"),
            ("test-b", #"{"type":"test.noted","data":{},"occuredAt":"2018-08-06T10:00:00Z"}"#, "occuredAt"),
            ("test-b", #"{"type":"test.noted","data":{},"metadata":[]}"#, "metadata"),
            ("test-b", #"{"type":"test.noted","data":{},"expectedVersion":"soon"}"#, "expectedVersion"),
            ("test-b", #"{"type":"test.noted","data":{},"expectedVersion":-1}"#, "expectedVersion"),
            ("test-b", #"{"events":[]}"#, "events"),
            ("test-b", #"{"events":[1]}"#, "events[0]"),
            ("test-b", #"{"events":[{"type":"test.noted","data":{}}],"type":"test.noted"}"#, "type"),
            ("test-b", #"{"events":[{"type":"test.noted","data":{},"expectedVersion":1}]}"#, "events[0].expectedVersion"),
            ("test-b", #"[{"type":"test.noted","data":{}}]"#, "body"),
            ("-bad", #"{"type":"test.noted","data":{}}"#, "stream"),
        ])
    func appendBadInput(_ stream: String, _ body: String, _ field: String) async throws {
        try await withRouter { env, client in
            let head = try env.head()
            let r = try await client.post("/v1/streams/\(stream)", token: env.token(.admin), body: body)
            expectProblem(r, .badRequest, field: field)
            #expect(try env.head() == head)
        }
    }

    @Test("POST /v1/streams/{stream}: data over 1 MiB is a 413; nothing written")
    func appendTooLarge() async throws {
        try await withRouter { env, client in
            let head = try env.head()
            let big = String(repeating: "x", count: (1 << 20) + 10)
            let r = try await client.post("/v1/streams/test-big", token: env.token(.admin), body: Fx.rawEvent(data: #"{"blob":"\#(big)"}"#))
            expectProblem(r, .contentTooLarge, field: "data")
            #expect(try env.head() == head)
        }
    }

    @Test("POST /v1/streams/{stream}: a body over the upload limit is a 413; nothing written")
    func bodyTooLarge() async throws {
        try await withRouter { env, client in
            let head = try env.head()
            let huge = String(repeating: " ", count: 18 << 20)
            let r = try await client.post("/v1/streams/test-big", token: env.token(.admin), body: Fx.rawEvent() + huge)
            expectProblem(r, .contentTooLarge)
            #expect(try env.head() == head)
        }
    }

    @Test("POST /v1/streams/{stream}: a domain rule refuses a raw event with 422; nothing written")
    func appendRuleViolation() async throws {
        try await withRouter { env, client in
            let head = try env.head()
            // A donation into a warehouse that was never registered.
            let data =
                #"{"incidentId":"gempa-uji","donationId":"DN-X","warehouseId":"gudang-ghost","donor":{"name":"A","kind":"ngo"},"items":[{"item":"beras","unit":"kg","quantity":1}],"receivedAt":"2018-08-06T10:00:00+08:00"}"#
            let r = try await client.post(
                "/v1/streams/donation-DN-X", token: env.token(.admin), body: Fx.rawEvent(type: "aid.donation-received", data: data))
            expectProblem(r, .unprocessableContent, field: "data.warehouseId")
            #expect(try env.head() == head)
        }
    }

    // MARK: GET /v1/export

    @Test("GET /v1/export streams the filtered log as NDJSON")
    func export() async throws {
        try await withRouter { env, client in
            try await Self.appendSome(client, env, stream: "test-e", count: 3)
            let r = try await client.get("/v1/export?category=test", token: env.token(.auditor))
            #expect(r.status == .ok)
            #expect(r.contentType == "application/x-ndjson")
            #expect(r.headers[.contentDisposition]?.contains("lumbung-export.ndjson") == true)
            let lines = r.text.split(separator: "\n")
            #expect(lines.count == 3)
            for line in lines {
                let e = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? JSONObject)
                #expect(Set(e.keys) == Self.eventKeys)
                #expect(e.string("stream") == "test-e")
            }
            let all = try await client.get("/v1/export?format=ndjson", token: env.token(.admin))
            #expect(all.text.split(separator: "\n").count == Int(try env.head()))
            expectProblem(try await client.get("/v1/export?format=xml", token: env.token(.auditor)), .badRequest, field: "format")
            expectProblem(try await client.get("/v1/export?type=NOPE", token: env.token(.auditor)), .badRequest, field: "type")
        }
    }

    // MARK: GET /v1/subscribe (errors; the stream itself is in LiveSSETests)

    @Test("GET /v1/subscribe refuses a bad Last-Event-ID or filter before streaming")
    func subscribeErrors() async throws {
        try await withRouter { env, client in
            var h = HTTPFields()
            h[HTTPField.Name("Last-Event-ID")!] = "abc"
            expectProblem(
                try await client.get("/v1/subscribe", token: env.token(.auditor), headers: h), .badRequest, field: "Last-Event-ID")
            expectProblem(try await client.get("/v1/subscribe?from=x", token: env.token(.auditor)), .badRequest, field: "from")
            expectProblem(try await client.get("/v1/subscribe?type=X", token: env.token(.auditor)), .badRequest, field: "type")
        }
    }
}
