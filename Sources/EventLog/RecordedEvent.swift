public import JSON

/// An event as the log holds it: the envelope every read, export and API answer shows (position, stream, version, id, type, occurredAt, recordedAt, metadata, data, prevHash, hash).
public struct RecordedEvent: Sendable, Equatable {
    public var position: UInt64
    public var stream: String
    public var version: UInt64
    public var id: EventID
    public var type: String
    public var occurredAt: Timestamp
    public var recordedAt: Timestamp
    /// `metadata` as canonical JSON.
    public var metadata: [UInt8]
    /// `data` as canonical JSON.
    public var data: [UInt8]
    public var prevHash: EventHash
    public var hash: EventHash

    public init(
        position: UInt64, stream: String, version: UInt64, id: EventID, type: String, occurredAt: Timestamp,
        recordedAt: Timestamp, metadata: [UInt8], data: [UInt8], prevHash: EventHash, hash: EventHash
    ) {
        self.position = position
        self.stream = stream
        self.version = version
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.metadata = metadata
        self.data = data
        self.prevHash = prevHash
        self.hash = hash
    }

    /// The category of its stream (text before the first `-`).
    public var category: Substring { Names.category(of: stream) }

    /// `data`, parsed.
    public func dataValue() throws(JSONError) -> JSONValue { try JSONParser.parse(data) }

    /// `metadata`, parsed.
    public func metadataValue() throws(JSONError) -> JSONValue { try JSONParser.parse(metadata) }

    /// The event as one line of JSON (no newline), fields in the envelope's documented order (README "The log").
    public var json: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(300 + data.count + metadata.count)
        writeJSON(to: &out)
        return out
    }

    public func writeJSON(to out: inout [UInt8]) {
        var s = stream
        var t = type
        s.withUTF8 { sb in
            t.withUTF8 { tb in
                metadata.withUnsafeBytes { m in
                    data.withUnsafeBytes { d in
                        EventCoding.writeJSON(
                            to: &out, position: position, stream: UnsafeRawBufferPointer(sb), version: version, id: id,
                            type: UnsafeRawBufferPointer(tb), occurredAt: occurredAt, recordedAt: recordedAt,
                            metadata: m, data: d, prevHash: prevHash, hash: hash)
                    }
                }
            }
        }
    }

    /// The canonical bytes the hash covers: JCS of the event without `hash`.
    public var canonicalBytesWithoutHash: [UInt8] {
        var out = [UInt8]()
        var s = stream
        var t = type
        s.withUTF8 { sb in
            t.withUTF8 { tb in
                metadata.withUnsafeBytes { m in
                    data.withUnsafeBytes { d in
                        EventCoding.writeCanonical(
                            to: &out, position: position, stream: UnsafeRawBufferPointer(sb), version: version, id: id,
                            type: UnsafeRawBufferPointer(tb), occurredAt: occurredAt, recordedAt: recordedAt,
                            metadata: m, data: d, prevHash: prevHash)
                    }
                }
            }
        }
        return out
    }
}
