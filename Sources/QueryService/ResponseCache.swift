import EventLog
import Foundation
import Hummingbird
import LumbungCore
import NIOCore
import Projections

/// Public answers (portal pages, the public JSON of prices, aid and processing times) made once
/// per change of what they show, and answered from memory until then, with `ETag` and
/// `Last-Modified` so that a browser's or a client's revalidation is a 304.
///
/// On a disaster day the portal is what everyone opens; rendering a page reads and formats whole
/// views. A route declares the event types its views fold: its entry is keyed on the position of
/// the latest event of those types that the views have applied (one backward seek per type in
/// the log's type index, whatever the log's size). An event of another domain leaves the answer
/// as it is; a new event of its types (once the views have applied it) makes it again.
///
/// Contract:
/// - Only 200 answers are kept; a request with `minPosition` is never answered from the cache.
/// - The entry's key is also the page's version: `ETag` is `"<position>-<hash of the body>"`,
///   `Last-Modified` the time that event was recorded. `If-None-Match` that matches (or, without
///   it, `If-Modified-Since` equal to the page's `Last-Modified`) answers 304 with no body.
/// - An answer's cache key is its path and only the query parameters it reads (`parameters`), so
///   other parameters cannot fill the cache. At most `capacity` answers are kept: when full, the
///   whole cache is dropped (answers are cheap to make once). Only public routes use it: the
///   answer must not depend on who asks.
final class ResponseCache: @unchecked Sendable {
    struct Entry {
        let position: UInt64
        /// The views' `changeStamp` when `position` was last found current: while it is the same,
        /// the entry is current without reading the checkpoints or the type index.
        var stamp: Int
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: ByteBuffer
        let etag: String
        let lastModified: String
    }

    let capacity: Int
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    init(capacity: Int = 512) { self.capacity = capacity }

    var count: Int { lock.withLock { entries.count } }

    /// The handler `render`, answered from the cache while no event of `types` has been applied
    /// to the views since it rendered (see the type's contract).
    func cached(
        types: Set<String>, parameters: [String] = [], services: LumbungServices,
        _ render: @escaping @Sendable (Request, AppRequestContext) async throws -> Response
    ) -> @Sendable (Request, AppRequestContext) async throws -> Response {
        { request, context in
            // Read-your-writes and the auditor's "as of" are answered afresh (as of: from `ReplayCache`).
            if ["minPosition", "asOf", "recordedAsOf"].contains(where: { request.uri.queryParameters[$0[...]] != nil }) {
                return try await render(request, context)
            }
            let key = Self.key(request, parameters: parameters)
            // Read before the checkpoints: a change after it only makes the next request look again.
            let stamp = services.engine.changeStamp()
            let cached = self.lock.withLock { self.entries[key] }
            if let cached, cached.stamp == stamp { return Self.answer(cached, request) }
            let applied = try services.engine.checkpoint()
            let position = try services.store.lastPosition(ofTypes: types, atOrBefore: applied)
            if var entry = cached, entry.position == position {
                entry.stamp = stamp
                self.lock.withLock { if self.entries[key]?.position == position { self.entries[key] = entry } }
                return Self.answer(entry, request)
            }
            let response = try await render(request, context)
            guard response.status == .ok else { return response }
            let body = try await Self.collect(response.body)
            let entry = Entry(
                position: position, stamp: stamp, status: response.status, headers: response.headers, body: body,
                etag: "\"\(position)-\(Self.fnv1a(body))\"", lastModified: try Self.httpDate(ofPosition: position, services.store))
            self.lock.withLock {
                if self.entries.count >= self.capacity, self.entries[key] == nil { self.entries.removeAll(keepingCapacity: true) }
                self.entries[key] = entry
            }
            return Self.answer(entry, request)
        }
    }

    /// The cached page, or a 304 when the request's validators match it.
    static func answer(_ entry: Entry, _ request: Request) -> Response {
        var headers = entry.headers
        headers[.eTag] = entry.etag
        headers[.lastModified] = entry.lastModified
        let notModified: Bool
        if let match = request.headers[.ifNoneMatch] {
            notModified = match.split(separator: ",").contains {
                let tag = $0.trimmingCharacters(in: .whitespaces)
                return tag == "*" || tag == entry.etag || tag == "W/" + entry.etag
            }
        } else if let since = request.headers[.ifModifiedSince] {
            // A browser sends back the Last-Modified it was given: the same text is the same version.
            notModified = since.trimmingCharacters(in: .whitespaces) == entry.lastModified
        } else {
            notModified = false
        }
        if notModified {
            headers[.contentLength] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: entry.status, headers: headers, body: .init(byteBuffer: entry.body))
    }

    static func key(_ request: Request, parameters: [String]) -> String {
        var key = request.uri.path
        for name in parameters {
            if let value = request.uri.queryParameters[Substring(name)] { key += "\u{1F}\(name)=\(value)" }
        }
        return key
    }

    /// The whole body of a response (the portal's bodies are one buffer).
    static func collect(_ body: ResponseBody) async throws -> ByteBuffer {
        let sink = Sink()
        try await body.write(CollectingWriter(sink: sink))
        return sink.buffer
    }

    final class Sink: @unchecked Sendable {
        var buffer = ByteBuffer()
    }

    struct CollectingWriter: ResponseBodyWriter {
        let sink: Sink
        mutating func write(_ buffer: ByteBuffer) async throws {
            var b = buffer
            sink.buffer.writeBuffer(&b)
        }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }

    /// FNV-1a (64 bits) of the body: stable across processes and replicas, cheap.
    static func fnv1a(_ buffer: ByteBuffer) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        buffer.withUnsafeReadableBytes { bytes in
            for b in bytes {
                hash ^= UInt64(b)
                hash = hash &* 0x100_0000_01b3
            }
        }
        return String(hash, radix: 16)
    }

    /// The recording time of the event at `position` as an HTTP-date (the log's creation when 0).
    static func httpDate(ofPosition position: UInt64, _ store: EventStore) throws -> String {
        var millis: Int64 = 0
        if position > 0 {
            try store.forEachRecord(EventFilter(fromPosition: position, toPosition: position), limit: 1) { view in
                millis = view.recordedAt.millisecondsSince1970
                return false
            }
        }
        return httpDate(secondsSince1970: millis / 1000)
    }

    /// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), in English whatever the locale.
    static func httpDate(secondsSince1970 seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
