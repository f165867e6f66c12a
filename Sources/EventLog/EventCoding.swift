import JSON

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The byte layouts of an event: the stored record, the canonical form the hash covers, and
/// the JSON line that reads and exports show.
///
/// Stored record (value of the `events` database, key = position as big-endian UInt64):
/// ```
/// offset size
///   0     1   format (1)
///   1     8   version, big-endian
///   9    16   id
///  25     8   recordedAt, ms since 1970, big-endian two's complement
///  33     8   occurredAt, same
///  41    32   prevHash
///  73    32   hash
/// 105     2   stream length
/// 107     1   type length
/// 108     4   metadata length
/// 112     4   data length
/// 116         stream, type, metadata (JCS), data (JCS)
/// ```
enum EventCoding {
    static let format: UInt8 = 1
    static let headerSize = 116

    // MARK: Canonical form

    /// Appends JCS of the event without `hash`. Keys in UTF-16 order: data, id, metadata,
    /// occurredAt, position, prevHash, recordedAt, stream, type, version. Stream and type need no
    /// escaping (their alphabets have no character JSON escapes); metadata and data are already JCS.
    static func writeCanonical(
        to out: inout [UInt8], position: UInt64, stream: UnsafeRawBufferPointer, version: UInt64, id: EventID,
        type: UnsafeRawBufferPointer, occurredAt: Timestamp, recordedAt: Timestamp,
        metadata: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, prevHash: EventHash
    ) {
        out.append(contentsOf: #"{"data":"#.utf8)
        out.append(contentsOf: data)
        out.append(contentsOf: #","id":""#.utf8)
        id.write(to: &out)
        out.append(contentsOf: #"","metadata":"#.utf8)
        out.append(contentsOf: metadata)
        out.append(contentsOf: #","occurredAt":""#.utf8)
        occurredAt.write(to: &out)
        out.append(contentsOf: #"","position":"#.utf8)
        writeDecimal(position, to: &out)
        out.append(contentsOf: #","prevHash":""#.utf8)
        prevHash.writeHex(to: &out)
        out.append(contentsOf: #"","recordedAt":""#.utf8)
        recordedAt.write(to: &out)
        out.append(contentsOf: #"","stream":""#.utf8)
        writeString(stream, to: &out)
        out.append(contentsOf: #"","type":""#.utf8)
        writeString(type, to: &out)
        out.append(contentsOf: #"","version":"#.utf8)
        writeDecimal(version, to: &out)
        out.append(0x7D)
    }

    // MARK: JSON line

    static func writeJSON(
        to out: inout [UInt8], position: UInt64, stream: UnsafeRawBufferPointer, version: UInt64, id: EventID,
        type: UnsafeRawBufferPointer, occurredAt: Timestamp, recordedAt: Timestamp,
        metadata: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, prevHash: EventHash, hash: EventHash
    ) {
        out.append(contentsOf: #"{"position":"#.utf8)
        writeDecimal(position, to: &out)
        out.append(contentsOf: #","stream":""#.utf8)
        writeString(stream, to: &out)
        out.append(contentsOf: #"","version":"#.utf8)
        writeDecimal(version, to: &out)
        out.append(contentsOf: #","id":""#.utf8)
        id.write(to: &out)
        out.append(contentsOf: #"","type":""#.utf8)
        writeString(type, to: &out)
        out.append(contentsOf: #"","occurredAt":""#.utf8)
        occurredAt.write(to: &out)
        out.append(contentsOf: #"","recordedAt":""#.utf8)
        recordedAt.write(to: &out)
        out.append(contentsOf: #"","metadata":"#.utf8)
        out.append(contentsOf: metadata)
        out.append(contentsOf: #","data":"#.utf8)
        out.append(contentsOf: data)
        out.append(contentsOf: #","prevHash":""#.utf8)
        prevHash.writeHex(to: &out)
        out.append(contentsOf: #"","hash":""#.utf8)
        hash.writeHex(to: &out)
        out.append(contentsOf: #""}"#.utf8)
    }

    /// Stream and type bytes go out verbatim when they are plain printable ASCII without `"` or
    /// `\` (always so for what the log accepts); anything else (only a damaged record) is escaped.
    @inline(__always)
    static func writeString(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        for c in bytes where c < 0x20 || c >= 0x7F || c == 0x22 || c == 0x5C {
            var quoted = [UInt8]()
            CanonicalJSON.appendString(String(decoding: bytes, as: UTF8.self), to: &quoted)
            out.append(contentsOf: quoted.dropFirst().dropLast())  // the caller's template has the quotes
            return
        }
        out.append(contentsOf: bytes)
    }

    @inline(__always)
    static func writeDecimal(_ value: UInt64, to out: inout [UInt8]) {
        if value < 10 {
            out.append(UInt8(truncatingIfNeeded: 48 + value))
            return
        }
        var buf: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &buf) { p in
            var v = value
            var i = 24
            while v > 0 {
                i -= 1
                p[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
                v /= 10
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[i..<24]))
        }
    }

    // MARK: Stored record

    static func recordSize(stream: Int, type: Int, metadata: Int, data: Int) -> Int {
        headerSize + stream + type + metadata + data
    }

    /// Writes a record into `p`, which holds exactly `recordSize(...)` bytes.
    static func writeRecord(
        into p: UnsafeMutableRawBufferPointer, version: UInt64, id: EventID, recordedAt: Timestamp,
        occurredAt: Timestamp, prevHash: EventHash, hash: EventHash, stream: UnsafeRawBufferPointer,
        type: UnsafeRawBufferPointer, metadata: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer
    ) {
        p[0] = format
        p.storeBytes(of: version.bigEndian, toByteOffset: 1, as: UInt64.self)
        p.storeBytes(of: id.bytes.0.bigEndian, toByteOffset: 9, as: UInt64.self)
        p.storeBytes(of: id.bytes.1.bigEndian, toByteOffset: 17, as: UInt64.self)
        p.storeBytes(of: recordedAt.millisecondsSince1970.bigEndian, toByteOffset: 25, as: Int64.self)
        p.storeBytes(of: occurredAt.millisecondsSince1970.bigEndian, toByteOffset: 33, as: Int64.self)
        for (i, w) in [prevHash.words.0, prevHash.words.1, prevHash.words.2, prevHash.words.3].enumerated() {
            p.storeBytes(of: w.bigEndian, toByteOffset: 41 + 8 * i, as: UInt64.self)
        }
        for (i, w) in [hash.words.0, hash.words.1, hash.words.2, hash.words.3].enumerated() {
            p.storeBytes(of: w.bigEndian, toByteOffset: 73 + 8 * i, as: UInt64.self)
        }
        p.storeBytes(of: UInt16(stream.count).bigEndian, toByteOffset: 105, as: UInt16.self)
        p[107] = UInt8(type.count)
        p.storeBytes(of: UInt32(metadata.count).bigEndian, toByteOffset: 108, as: UInt32.self)
        p.storeBytes(of: UInt32(data.count).bigEndian, toByteOffset: 112, as: UInt32.self)
        var o = headerSize
        for part in [stream, type, metadata, data] where part.count > 0 {
            UnsafeMutableRawBufferPointer(rebasing: p[o..<(o + part.count)]).copyMemory(from: part)
            o += part.count
        }
    }
}

/// A stored record read in place (no copy), valid only while its read transaction is open.
/// Construction checks the layout's lengths, so a damaged record is reported, never read past.
public struct EventRecordView {
    public let position: UInt64
    let raw: UnsafeRawBufferPointer
    let streamLength: Int, typeLength: Int, metadataLength: Int, dataLength: Int

    init(position: UInt64, raw: UnsafeRawBufferPointer) throws(EventLogError) {
        guard raw.count >= EventCoding.headerSize, raw[0] == EventCoding.format else {
            throw EventLogError(.corrupt, "the record at position \(position) is damaged (bad header)", position: position)
        }
        self.position = position
        self.raw = raw
        streamLength = Int(UInt16(bigEndian: raw.loadUnaligned(fromByteOffset: 105, as: UInt16.self)))
        typeLength = Int(raw[107])
        metadataLength = Int(UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 108, as: UInt32.self)))
        dataLength = Int(UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 112, as: UInt32.self)))
        guard EventCoding.headerSize + streamLength + typeLength + metadataLength + dataLength == raw.count else {
            throw EventLogError(.corrupt, "the record at position \(position) is damaged (bad lengths)", position: position)
        }
    }

    public var version: UInt64 { UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 1, as: UInt64.self)) }
    public var id: EventID { EventID(raw: UnsafeRawBufferPointer(rebasing: raw[9..<25])) }
    public var recordedAt: Timestamp {
        Timestamp(millisecondsSince1970: Int64(bigEndian: raw.loadUnaligned(fromByteOffset: 25, as: Int64.self)))
    }
    public var occurredAt: Timestamp {
        Timestamp(millisecondsSince1970: Int64(bigEndian: raw.loadUnaligned(fromByteOffset: 33, as: Int64.self)))
    }
    public var prevHash: EventHash { EventHash(raw: UnsafeRawBufferPointer(rebasing: raw[41..<73])) }
    public var hash: EventHash { EventHash(raw: UnsafeRawBufferPointer(rebasing: raw[73..<105])) }

    public var streamBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: raw[EventCoding.headerSize..<(EventCoding.headerSize + streamLength)])
    }
    public var typeBytes: UnsafeRawBufferPointer {
        let o = EventCoding.headerSize + streamLength
        return UnsafeRawBufferPointer(rebasing: raw[o..<(o + typeLength)])
    }
    public var metadataBytes: UnsafeRawBufferPointer {
        let o = EventCoding.headerSize + streamLength + typeLength
        return UnsafeRawBufferPointer(rebasing: raw[o..<(o + metadataLength)])
    }
    public var dataBytes: UnsafeRawBufferPointer {
        let o = EventCoding.headerSize + streamLength + typeLength + metadataLength
        return UnsafeRawBufferPointer(rebasing: raw[o..<(o + dataLength)])
    }

    public var stream: String { String(decoding: streamBytes, as: UTF8.self) }
    public var type: String { String(decoding: typeBytes, as: UTF8.self) }

    /// Whether the stream's category (text before the first `-`) is `category`.
    public func hasCategory(_ category: [UInt8]) -> Bool {
        let s = streamBytes
        guard s.count >= category.count else { return false }
        // A '-' inside `category` means the stream's category ended before it: no match.
        for i in 0..<category.count where s[i] != category[i] || s[i] == 0x2D { return false }
        return s.count == category.count || s[category.count] == 0x2D
    }

    /// A copy that outlives the transaction.
    public func decode() -> RecordedEvent {
        RecordedEvent(
            position: position, stream: stream, version: version, id: id, type: type, occurredAt: occurredAt,
            recordedAt: recordedAt, metadata: [UInt8](metadataBytes), data: [UInt8](dataBytes), prevHash: prevHash,
            hash: hash)
    }

    /// Makes `event` this record, as `decode()` would, reusing what `event` held: its `stream`
    /// and `type` when their bytes are the record's, and the storage of its `metadata` and `data`
    /// (when `event` is their only holder; otherwise they are copied as usual). A reader that
    /// decodes many records into the same few values (`Projections.ReadAhead`'s ring) allocates
    /// per field only when the field changes: most records of a log share their type.
    public func decode(into event: inout RecordedEvent) {
        event.position = position
        if !Self.same(event.stream, streamBytes) { event.stream = stream }
        event.version = version
        event.id = id
        if !Self.same(event.type, typeBytes) { event.type = type }
        event.occurredAt = occurredAt
        event.recordedAt = recordedAt
        event.metadata.removeAll(keepingCapacity: true)
        event.metadata.append(contentsOf: metadataBytes)
        event.data.removeAll(keepingCapacity: true)
        event.data.append(contentsOf: dataBytes)
        event.prevHash = prevHash
        event.hash = hash
    }

    /// Whether `string`'s UTF-8 is `bytes`.
    private static func same(_ string: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        string.utf8.withContiguousStorageIfAvailable { utf8 in
            utf8.count == bytes.count && (bytes.isEmpty || memcmp(utf8.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
        } ?? string.utf8.elementsEqual(bytes)
    }

    /// Appends the event's JSON line (without newline).
    public func writeJSON(to out: inout [UInt8]) {
        EventCoding.writeJSON(
            to: &out, position: position, stream: streamBytes, version: version, id: id, type: typeBytes,
            occurredAt: occurredAt, recordedAt: recordedAt, metadata: metadataBytes, data: dataBytes,
            prevHash: prevHash, hash: hash)
    }

    /// Recomputes the hash from the stored fields; `scratch` is reused between calls.
    public func computeHash(scratch: inout [UInt8]) -> EventHash {
        scratch.removeAll(keepingCapacity: true)
        EventCoding.writeCanonical(
            to: &scratch, position: position, stream: streamBytes, version: version, id: id, type: typeBytes,
            occurredAt: occurredAt, recordedAt: recordedAt, metadata: metadataBytes, data: dataBytes,
            prevHash: prevHash)
        return EventHash.sha256(scratch)
    }
}
