import EventLog
import Foundation
import Hummingbird
import JSON
import LumbungCore
import NIOCore
import Projections

extension Request {
    /// Query parameter `name` as text, nil when absent.
    func query(_ name: String) -> String? {
        uri.queryParameters.get(name)
    }

    /// Every value of a repeatable query parameter (`type=a&type=b`, or `type=a,b`).
    func queryAll(_ name: String) -> [String] {
        uri.queryParameters.getAll(name).flatMap { $0.split(separator: ",").map(String.init) }.filter { !$0.isEmpty }
    }

    func queryUInt(_ name: String) throws -> UInt64? {
        guard let text = query(name) else { return nil }
        guard let v = UInt64(text) else { throw Problem.field(name, "must be a non-negative integer, got \(text.prefix(40))") }
        return v
    }

    func queryLimit(default d: Int, max m: Int) throws -> Int {
        guard let text = query("limit") else { return d }
        guard let v = Int(text), v >= 1, v <= m else { throw Problem.field("limit", "must be an integer from 1 to \(m)") }
        return v
    }

    func queryTime(_ name: String) throws -> Timestamp? {
        guard let text = query(name) else { return nil }
        guard let t = Timestamp(text) else { throw Problem.field(name, "must be an RFC 3339 time such as 2018-08-10T12:00:00Z") }
        return t
    }

    /// `?asOf=` (occurred at or before) and `?recordedAsOf=` (recorded at or before): an RFC 3339
    /// time, or a day (`2018-08-10`: the end of that day in Mataram, WITA); either, both, or nil
    /// when neither is given. A point not yet reached (today's end, a future time) is now: nil,
    /// answered by the live views.
    func pointInHistory() throws -> ReplayCache.Point? {
        func time(_ name: String) throws -> Timestamp? {
            guard let text = query(name) else { return nil }
            let isDay =
                text.utf8.count == 10
                && text.utf8.enumerated().allSatisfy { i, c in i == 4 || i == 7 ? c == 0x2D : (0x30...0x39).contains(c) }
            guard
                let t = isDay ? Timestamp("\(text)T23:59:59.999+08:00") : (text.contains("T") || text.contains("t") ? Timestamp(text) : nil)
            else {
                throw Problem.field(name, "must be an RFC 3339 time such as 2018-08-10T12:00:00+08:00, or a day such as 2018-08-10")
            }
            return t
        }
        let now = Timestamp.now()
        let point = ReplayCache.Point(
            occurredUntil: try time("asOf").flatMap { $0 < now ? $0 : nil },
            recordedUntil: try time("recordedAsOf").flatMap { $0 < now ? $0 : nil })
        return point.occurredUntil == nil && point.recordedUntil == nil ? nil : point
    }

    /// The most bytes of a command's body (1 MiB: an event's data is at most that).
    static let commandBodyLimit = 1 << 20

    /// The body parsed as JSON (strictly), or a 400 naming what is wrong; a body over `limit`
    /// bytes is a 413 naming the limit, refused before it is parsed (so before anything is written).
    func jsonBody(context: some RequestContext, limit: Int = Request.commandBodyLimit) async throws -> JSONValue {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw Problem(.contentTooLarge, "the body is over this route's limit of \(Self.describe(bytes: limit))")
        }
        guard buffer.readableBytes > 0 else { throw Problem(.badRequest, "a JSON body is required") }
        do {
            return try JSONParser.parse(buffer.readableBytesView)
        } catch {
            throw Problem(.badRequest, "invalid JSON body: \(error.description)")
        }
    }

    /// `1 MiB`, `17 MiB`, `8 KiB` or `N bytes`.
    static func describe(bytes: Int) -> String {
        if bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    /// Whether the client asked for NDJSON (`?format=ndjson` or `Accept: application/x-ndjson`);
    /// `format` may only be `json` or `ndjson`.
    func wantsNDJSON() throws -> Bool {
        switch query("format") {
        case "ndjson": return true
        case "json": return false
        case nil: return (headers[.accept] ?? "").contains("application/x-ndjson")
        case let other?: throw Problem.field("format", "must be json or ndjson, got \(other.prefix(40))")
        }
    }
}

extension AppRequestContext {
    /// Path parameter `name`, percent-decoded (`donation-DN%3A1` is `donation-DN:1`): the router
    /// hands path parameters over as they were sent.
    func path(_ name: String) throws -> String {
        Self.percentDecoded(try parameters.require(name))
    }

    /// `raw` percent-decoded; as it is when it has no `%` (most paths: Foundation's decoding is
    /// costly on a hot route) or is not valid percent-encoding.
    static func percentDecoded(_ raw: String) -> String {
        guard raw.utf8.contains(UInt8(ascii: "%")) else { return raw }
        return raw.removingPercentEncoding ?? raw
    }

    /// As `path`, nil when the route has no such parameter.
    func optionalPath(_ name: String) -> String? {
        parameters.get(name).map(Self.percentDecoded)
    }
}

extension Problem {
    /// A 400 naming a query parameter or field.
    static func field(_ name: String, _ message: String) -> Problem {
        Problem(.badRequest, "\(name): \(message)", errors: [FieldError(field: name, message: message)])
    }
}

/// Responses with JSON bodies.
enum JSONResponse {
    /// `value` in the form views store (`ViewCoding`), so that a route answering stored bytes
    /// answers exactly what encoding the decoded value would.
    static func make<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        raw(try ViewCoding.encode(value), status: status, headers: headers)
    }

    static func raw(
        _ bytes: [UInt8], status: HTTPResponse.Status = .ok, contentType: String = "application/json", headers: HTTPFields = [:]
    ) -> Response {
        var h = headers
        h[.contentType] = contentType
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func object(_ members: [(String, JSONValue)], status: HTTPResponse.Status = .ok) -> Response {
        var out: [UInt8] = [0x7B]
        for (i, (k, v)) in members.enumerated() {
            if i > 0 { out.append(0x2C) }
            CanonicalJSON.appendString(k, to: &out)
            out.append(0x3A)
            CanonicalJSON.append(v, to: &out)
        }
        out.append(0x7D)
        return raw(out, status: status)
    }
}
