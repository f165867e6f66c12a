public import EventLog
import JSON

/// How an event travels through JetStream: the message's data is the event's JSON exactly as
/// `lumbung export` writes it (`RecordedEvent.json`), its subject `<prefix>.<category>.<type>`,
/// its `Nats-Msg-Id` the event's id, and its stream sequence the event's position.
///
/// The last message of each run the relay publishes also carries the header
/// `Lumbung-Signed-Head`: the primary's signed tree head at that message's position, as
/// `/v1/audit/digest` serves it (`SignedTreeHead.json`, compact). A replica commits events only
/// up to a head that verifies under the primary's pinned key and matches its own Merkle root.
public enum EventWire {
    /// The header carrying a run's signed tree head.
    public static let signedHeadHeader = "Lumbung-Signed-Head"

    /// The header value for `head`: its JSON object on one line.
    public static func signedHeadValue(_ head: SignedTreeHead) -> String {
        String(decoding: CanonicalJSON.encode(head.json), as: UTF8.self)
    }

    /// Reads a `Lumbung-Signed-Head` value (without checking its signature).
    public static func signedHead(_ value: String) throws(ReplicationError) -> SignedTreeHead {
        let json: JSONValue
        do throws(JSONError) {
            json = try JSONParser.parse(value)
        } catch {
            throw ReplicationError("its \(signedHeadHeader) header is not JSON: \(error.description)")
        }
        do throws(EventLogError) {
            return try SignedTreeHead(json: json)
        } catch {
            throw ReplicationError("its \(signedHeadHeader) header is not a signed tree head: \(error.message)")
        }
    }

    /// `<prefix>.<category>.<type>`; a `.` inside the category (allowed in stream names) becomes
    /// `_`, so that the category is always one subject token.
    public static func subject(prefix: String, event: RecordedEvent) -> String {
        var subject = [UInt8]()
        appendSubject(prefix: prefix.utf8, stream: event.stream.utf8, type: event.type.utf8, to: &subject)
        return String(decoding: subject, as: UTF8.self)
    }

    /// Appends the subject of an event of `stream` and `type` (UTF-8) to `out` (see
    /// `subject(prefix:event:)`).
    static func appendSubject(
        prefix: some Sequence<UInt8>, stream: some Collection<UInt8>, type: some Sequence<UInt8>, to out: inout [UInt8]
    ) {
        out.append(contentsOf: prefix)
        out.append(UInt8(ascii: "."))
        for b in Names.category(ofUTF8: stream) { out.append(b == UInt8(ascii: ".") ? UInt8(ascii: "_") : b) }
        out.append(UInt8(ascii: "."))
        out.append(contentsOf: type)
    }

    /// Parses an event's JSON line. The data and metadata are kept in their canonical form (the
    /// JSON the hash covers), so a faithful copy of the primary's line gives back the primary's
    /// event exactly; anything altered shows when its hash is recomputed.
    ///
    /// A line exactly as the relay writes it is read without building a JSON tree
    /// (`RecordedEvent.init?(exportedJSON:)`); any other is parsed in general, to the same event.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(ReplicationError) -> RecordedEvent {
        if let event = RecordedEvent(exportedJSON: bytes) { return event }
        return try decodeParsing(bytes)
    }

    /// `decode` by parsing the JSON in general (any key order, whitespace, escapes); data and
    /// metadata re-encoded canonically.
    public static func decodeParsing(_ bytes: UnsafeRawBufferPointer) throws(ReplicationError) -> RecordedEvent {
        let value: JSONValue
        do throws(JSONError) {
            value = try JSONParser.parse(bytes)
        } catch {
            throw ReplicationError("the message is not JSON: \(error.description)")
        }
        guard case .object = value else { throw ReplicationError("the message is not a JSON object") }
        func string(_ key: String) throws(ReplicationError) -> String {
            guard let s = value[key]?.stringValue else { throw ReplicationError("the event has no string \(key)") }
            return s
        }
        func integer(_ key: String) throws(ReplicationError) -> UInt64 {
            guard let d = value[key]?.doubleValue, d >= 0, d <= 9_007_199_254_740_991, d.rounded() == d else {
                throw ReplicationError("the event has no whole number \(key)")
            }
            return UInt64(d)
        }
        func time(_ key: String) throws(ReplicationError) -> Timestamp {
            guard let t = Timestamp(try string(key)) else { throw ReplicationError("the event's \(key) is not a time") }
            return t
        }
        func hash(_ key: String) throws(ReplicationError) -> EventHash {
            guard let h = EventHash(hex: try string(key)) else { throw ReplicationError("the event's \(key) is not 64 hex digits") }
            return h
        }
        func object(_ key: String) throws(ReplicationError) -> [UInt8] {
            guard let v = value[key], case .object = v else { throw ReplicationError("the event has no object \(key)") }
            return CanonicalJSON.encode(v)
        }
        guard let id = EventID(try string("id")) else { throw ReplicationError("the event's id is not a UUID") }
        return RecordedEvent(
            position: try integer("position"), stream: try string("stream"), version: try integer("version"), id: id,
            type: try string("type"), occurredAt: try time("occurredAt"), recordedAt: try time("recordedAt"),
            metadata: try object("metadata"), data: try object("data"), prevHash: try hash("prevHash"), hash: try hash("hash"))
    }
}

/// A failure of replication that is not NATS's: a message that is not an event, an event that
/// does not fit the chain, a stream that holds another log. `message` says what and where.
public struct ReplicationError: Error, Sendable, CustomStringConvertible {
    public let message: String
    /// The position (stream sequence) refused, when one is to blame.
    public var position: UInt64?
    public init(_ message: String, position: UInt64? = nil) {
        self.message = message
        self.position = position
    }
    public var description: String { message }
}
