import EventLog
import Foundation
import Hummingbird
import JSON
import LumbungCore

/// The raw log for auditors: pages of events, streams, the export, the live subscription, and
/// the admin's validated raw append.
struct EventsController {
    let services: LumbungServices

    func addRoutes(to router: Router<AppRequestContext>) {
        let auditors = router.group().add(middleware: RequireRole(.auditor))
        auditors.get("/v1/events", use: events)
        auditors.get("/v1/streams/{stream}", use: stream)
        router.group().add(middleware: RequireRole(.admin))
            .post("/v1/streams/{stream}", use: append)
        auditors.get("/v1/export", use: export)
        auditors.get("/v1/subscribe", use: subscribe)
    }

    /// The log's filter from query parameters (shared by events, export and subscribe).
    static func filter(_ request: Request, fromName: String = "from") throws -> EventFilter {
        let types = request.queryAll("type")
        for t in types { try Names.checkType(t) }
        let categories = request.queryAll("category")
        // `until` and its alias `recordedUntil` are both checked; `until` wins.
        let until = try request.queryTime("until")
        let recordedUntil = try request.queryTime("recordedUntil")
        return EventFilter(
            types: types.isEmpty ? nil : Set(types), categories: categories.isEmpty ? nil : Set(categories),
            fromPosition: try request.queryUInt(fromName) ?? 1, toPosition: try request.queryUInt("to"),
            recordedSince: try request.queryTime("since"), recordedUntil: until ?? recordedUntil,
            occurredSince: try request.queryTime("occurredSince"), occurredUntil: try request.queryTime("occurredUntil"))
    }

    /// `GET /v1/events`: a page of the whole log. `cursor` (from a previous page's `next`) or
    /// `from` says where to start; JSON `{"events":[...],"next":...}` or NDJSON on request.
    @Sendable func events(_ request: Request, context: AppRequestContext) async throws -> Response {
        var filter = try Self.filter(request)
        if let cursor = request.query("cursor") {
            guard let p = UInt64(cursor), p >= 1 else { throw Problem.field("cursor", "is not a cursor of this API") }
            filter.fromPosition = p
        }
        let limit = try request.queryLimit(default: 100, max: 10_000)
        var body: [UInt8] = []
        var count = 0
        var last: UInt64 = 0
        let ndjson = try request.wantsNDJSON()
        if !ndjson { body.append(contentsOf: Array(#"{"events":["#.utf8)) }
        last = try services.store.forEachRecord(filter, limit: limit) { view in
            if !ndjson && count > 0 { body.append(0x2C) }
            view.writeJSON(to: &body)
            if ndjson { body.append(0x0A) }
            count += 1
            return true
        }
        let head = try services.store.head().position
        let more = count == limit && last < min(filter.toPosition ?? head, head)
        if ndjson {
            var headers = HTTPFields()
            if more { headers[.init("Lumbung-Next-Cursor")!] = String(last + 1) }
            return JSONResponse.raw(body, contentType: "application/x-ndjson", headers: headers)
        }
        body.append(contentsOf: Array(#"],"next":"#.utf8))
        body.append(contentsOf: Array((more ? "\"\(last + 1)\"" : "null").utf8))
        body.append(contentsOf: Array(#","head":\#(head)}"#.utf8))
        return JSONResponse.raw(body)
    }

    /// `GET /v1/streams/{stream}`: a page of one stream, forward (or `direction=backward`) from
    /// version `from` (or `cursor`).
    @Sendable func stream(_ request: Request, context: AppRequestContext) async throws -> Response {
        let stream = try context.path("stream")
        try Names.checkStream(stream)
        let backward: Bool
        switch request.query("direction") ?? "forward" {
        case "forward": backward = false
        case "backward": backward = true
        default: throw Problem.field("direction", "must be forward or backward")
        }
        var from = try request.queryUInt("from")
        if let cursor = request.query("cursor") {
            guard let v = UInt64(cursor) else { throw Problem.field("cursor", "is not a cursor of this API") }
            from = v
        }
        let limit = try request.queryLimit(default: 100, max: 10_000)
        let version = try services.store.version(of: stream)
        guard version > 0 else { throw Problem(.notFound, "stream \(stream) does not exist") }
        var body: [UInt8] = []
        var count = 0
        var lastVersion: UInt64 = 0
        let ndjson = try request.wantsNDJSON()
        if !ndjson { body.append(contentsOf: Array(#"{"events":["#.utf8)) }
        try services.store.forEachStreamRecord(stream, from: from, direction: backward ? .backward : .forward, limit: limit) { view in
            if !ndjson && count > 0 { body.append(0x2C) }
            view.writeJSON(to: &body)
            if ndjson { body.append(0x0A) }
            count += 1
            lastVersion = view.version
            return true
        }
        let more = count == limit && (backward ? lastVersion > 1 : lastVersion < version)
        let next: String? = more ? String(backward ? lastVersion - 1 : lastVersion + 1) : nil
        if ndjson {
            var headers = HTTPFields()
            if let next { headers[.init("Lumbung-Next-Cursor")!] = next }
            return JSONResponse.raw(body, contentType: "application/x-ndjson", headers: headers)
        }
        body.append(contentsOf: Array(#"],"next":"#.utf8))
        body.append(contentsOf: Array((next.map { "\"\($0)\"" } ?? "null").utf8))
        body.append(contentsOf: Array(#","version":\#(version)}"#.utf8))
        return JSONResponse.raw(body)
    }

    /// `POST /v1/streams/{stream}` (admin): a validated raw append of one event
    /// `{"type","data","id"?,"occurredAt"?,"metadata"?}` or several `{"events":[...]}`, with
    /// `expectedVersion` in the body or the query. The same checks and rules as every door.
    @Sendable func append(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.authenticatedCaller()
        try services.refuseIfReadOnly()
        let stream = try context.path("stream")
        try Names.checkStream(stream)
        let body = try await request.jsonBody(context: context, limit: context.maxUploadSize)
        // expectedVersion in the query or the body (the query wins); each is checked when given.
        let inBody = try body["expectedVersion"].map { v -> ExpectedVersion in
            let number = v.intValue.flatMap { $0 >= 0 && $0 <= 9_007_199_254_740_991 ? String($0) : nil }
            guard let e = v.stringValue.flatMap(ExpectedVersion.init) ?? number.flatMap(ExpectedVersion.init) else {
                throw Problem.field("expectedVersion", "must be any, no-stream, exists or a version number")
            }
            return e
        }
        let inQuery = try request.query("expectedVersion").map { text -> ExpectedVersion in
            guard let e = ExpectedVersion(text) else {
                throw Problem.field("expectedVersion", "must be any, no-stream, exists or a version number")
            }
            return e
        }
        let expected = inQuery ?? inBody ?? .any
        guard case .object(let bodyMembers) = body else { throw Problem.field("body", "must be an object") }
        let items: [JSONValue]
        if let list = body["events"] {
            guard let array = list.arrayValue, !array.isEmpty else { throw Problem.field("events", "must be a non-empty array") }
            items = array
            try Self.refuseUnknown(bodyMembers, allowed: ["events", "expectedVersion"], prefix: "")
        } else {
            items = [body]
        }
        var proposed: [ProposedEvent] = []
        for (i, item) in items.enumerated() {
            let prefix = body["events"] != nil ? "events[\(i)]." : ""
            guard case .object(let members) = item else {
                throw Problem.field(prefix.isEmpty ? "body" : String(prefix.dropLast()), "must be an object")
            }
            try Self.refuseUnknown(
                members, allowed: prefix.isEmpty ? Self.eventFields.union(["expectedVersion"]) : Self.eventFields, prefix: prefix)
            guard let type = item["type"]?.stringValue else { throw Problem.field(prefix + "type", "is required") }
            guard let data = item["data"] else { throw Problem.field(prefix + "data", "is required") }
            var id: EventID? = nil
            if let text = item["id"] {
                guard let s = text.stringValue, let parsed = EventID(s) else { throw Problem.field(prefix + "id", "must be a UUID") }
                id = parsed
            }
            var occurredAt: Timestamp? = nil
            if let text = item["occurredAt"] {
                guard let s = text.stringValue, let t = Timestamp(s) else {
                    throw Problem.field(prefix + "occurredAt", "must be an RFC 3339 time")
                }
                occurredAt = t
            }
            let metadata = item["metadata"].map { CanonicalJSON.encode($0) }
            proposed.append(
                try ProposedEvent(
                    stream: stream, type: type, value: data, id: id, occurredAt: occurredAt, metadata: metadata,
                    expectedVersion: i == 0 ? expected : .any))
        }
        let outcome = try await services.write(proposed, actor: caller.actor, scope: caller.scope)
        let results: [JSONValue] = outcome.results.map {
            .object([
                ("position", .number(Double($0.position))), ("version", .number(Double($0.version))),
                ("id", .string($0.id.description)), ("hash", .string($0.hash.description)),
            ])
        }
        return JSONResponse.object(
            [("results", .array(results)), ("position", .number(Double(outcome.lastPosition))), ("duplicate", .bool(outcome.duplicate))],
            status: outcome.duplicate ? .ok : .created)
    }

    /// The members of one event of a raw append.
    static let eventFields: Set<String> = ["type", "data", "id", "occurredAt", "metadata"]

    /// A 400 naming the first member outside `allowed` (a typo such as `occuredAt` is not dropped silently).
    static func refuseUnknown(_ members: [(key: String, value: JSONValue)], allowed: Set<String>, prefix: String) throws {
        for m in members where !allowed.contains(m.key) {
            throw Problem.field(prefix + m.key, "is not a field of an append (its fields: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    /// `GET /v1/export?format=ndjson|csv|hxl|wfp`: the log (filtered as `/v1/events` filters it),
    /// streamed in constant memory in the format's content type, as an attachment named by the
    /// format. The export is prepared (the format's state read, the end pinned to the current
    /// head) before the response starts, so a failure to prepare is a problem response.
    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let filter = try Self.filter(request)
        let format = request.query("format") ?? "ndjson"
        guard var exporter = Exporters.named(format) else {
            throw Problem.field("format", "must be one of \(Exporters.names.joined(separator: ", "))")
        }
        // HXL names individual donors who agreed to be named: their sealed names open here.
        if exporter is HXLExporter { exporter = HXLExporter(vault: services.vault) }
        let store = services.store
        let prepared = try Exporters.prepare(exporter, store: store, filter: filter)
        var headers = HTTPFields()
        headers[.contentType] = exporter.contentType
        headers[.contentDisposition] = "attachment; filename=\"\(exporter.fileName)\""
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                let exporter = prepared.exporter
                var buffer: [UInt8] = []
                buffer.reserveCapacity(1 << 20)
                var next = prepared.filter
                exporter.header(into: &buffer)
                var done = false
                while !done {
                    // Chunks of events per read, written out between reads: no transaction is held
                    // while the client is slow.
                    let last = try store.forEachRecord(next, limit: 4096) { view in
                        exporter.write(view, into: &buffer)
                        return true
                    }
                    let head = try store.head().position
                    done = last < next.fromPosition || head <= last || (next.toPosition.map { last >= $0 } ?? false)
                    next.fromPosition = last + 1
                    if !buffer.isEmpty {
                        try await writer.write(ByteBuffer(bytes: buffer))
                        buffer.removeAll(keepingCapacity: true)
                    }
                }
                try await writer.finish(nil)
            })
    }

    /// `GET /v1/subscribe`: Server-Sent Events of the log from `from` (or after `Last-Event-ID`),
    /// catching up, then following new commits: `id:` is the position, `event:` the type.
    /// The stream ends within a second of its key's revocation (by this process or any other):
    /// the key is checked again at least once a second and before every event sent.
    @Sendable func subscribe(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyId = try context.authenticatedCaller().keyId
        let keys = services.keys
        var filter = try Self.filter(request)
        if let last = request.headers[.init("Last-Event-ID")!] {
            guard let p = UInt64(last.trimmingCharacters(in: .whitespaces)) else {
                throw Problem.field("Last-Event-ID", "must be a position")
            }
            filter.fromPosition = p + 1
        }
        let subscription = services.store.subscribe(filter)
        let from = filter.fromPosition
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: ": lumbung log from position \(from)\nretry: 1000\n\n"))
                // The subscription ends (its task is cancelled) when the client closes the connection,
                // and when the key is revoked (checked every half second); a comment line every 15 s
                // while idle also keeps proxies open.
                try await request.body.consumeWithCancellationOnInboundClose { _ in
                    var buffer: [UInt8] = []
                    var events = subscription.makeAsyncIterator()
                    var idleTicks = 0
                    var lastCheck = ContinuousClock.now
                    loop: while true {
                        let step = try await events.next(idleAfter: .milliseconds(500))
                        if ContinuousClock.now - lastCheck >= .milliseconds(500) {
                            guard try keys.isActive(keyId: keyId) else { break loop }
                            lastCheck = ContinuousClock.now
                        }
                        switch step {
                        case .event(let event):
                            idleTicks = 0
                            buffer.removeAll(keepingCapacity: true)
                            buffer.append(contentsOf: Array("id: \(event.position)\nevent: \(event.type)\ndata: ".utf8))
                            event.writeJSON(to: &buffer)
                            buffer.append(contentsOf: [0x0A, 0x0A])
                            try await writer.write(ByteBuffer(bytes: buffer))
                        case .idle:
                            idleTicks += 1
                            if idleTicks % 30 == 0 { try await writer.write(ByteBuffer(string: ": keep-alive\n\n")) }
                        case .end:
                            break loop
                        }
                    }
                }
                try await writer.finish(nil)
            })
    }
}
