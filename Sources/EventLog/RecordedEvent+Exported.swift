import JSON

extension RecordedEvent {
    /// Reads an event from a line exactly as `writeJSON` writes it (`lumbung export`, the
    /// replication wire), without building a JSON tree: the fields in the envelope's documented order (README "The log") with no
    /// whitespace, `stream` and `type` as printable ASCII without escapes, `position` and
    /// `version` as plain digits, the id, times and hashes as their text, and `metadata` and
    /// `data` objects already in canonical form (`CanonicalJSON.isCanonical`), kept verbatim.
    ///
    /// Returns nil when the bytes are not in exactly that form (another key order, whitespace, an
    /// escape, a non-canonical payload, a damaged line). Callers then take the general path
    /// (parse the JSON, re-canonicalise the payloads), which gives this same event for every line
    /// this accepts: each field is read by the same parser as there.
    public init?(exportedJSON raw: UnsafeRawBufferPointer) {
        let bytes = raw.assumingMemoryBound(to: UInt8.self)
        var line = ExportedLine(bytes: bytes)
        guard line.literal(#"{"position":"#), let position = line.wholeNumber(),
            line.literal(#","stream":""#), let stream = line.plainString(),
            line.literal(#","version":"#), let version = line.wholeNumber(),
            line.literal(#","id":""#), let id = line.text({ EventID(utf8: $0) }),
            line.literal(#","type":""#), let type = line.plainString(),
            line.literal(#","occurredAt":""#), let occurredAt = line.text({ Timestamp(utf8: $0) }),
            line.literal(#","recordedAt":""#), let recordedAt = line.text({ Timestamp(utf8: $0) }),
            line.literal(#","metadata":"#), let metadata = line.canonicalObject(),
            line.literal(#","data":"#), let data = line.canonicalObject(),
            line.literal(#","prevHash":""#), let prevHash = line.text({ EventHash(hexUTF8: $0) }),
            line.literal(#","hash":""#), let hash = line.text({ EventHash(hexUTF8: $0) }),
            line.literal("}"), line.i == bytes.count
        else { return nil }
        self.init(
            position: position, stream: stream, version: version, id: id, type: type, occurredAt: occurredAt,
            recordedAt: recordedAt, metadata: metadata, data: data, prevHash: prevHash, hash: hash)
    }
}

/// A cursor over an exported line (see `RecordedEvent.init?(exportedJSON:)`).
private struct ExportedLine {
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0

    mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard bytes.count - i >= count, let base = bytes.baseAddress,
            memcmp(base + i, text.utf8Start, count) == 0
        else { return false }
        i += count
        return true
    }

    /// `0` or `[1-9][0-9]*` up to 2^53 - 1 (what the general path accepts as a whole number,
    /// written plainly).
    mutating func wholeNumber() -> UInt64? {
        let start = i
        var value: UInt64 = 0
        while i < bytes.count, bytes[i] &- 0x30 < 10, i - start < 16 {
            value = value * 10 + UInt64(bytes[i] &- 0x30)
            i += 1
        }
        let digits = i - start
        guard digits > 0, !(digits > 1 && bytes[start] == 0x30), value <= 9_007_199_254_740_991 else { return nil }
        guard i == bytes.count || bytes[i] &- 0x30 >= 10 else { return nil }
        return value
    }

    /// The content up to the closing quote, which it passes; nil if that content has a byte
    /// outside printable ASCII or a backslash.
    mutating func plainString() -> String? {
        let start = i
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                i += 1
                return text
            }
            guard b >= 0x20, b < 0x7F, b != UInt8(ascii: "\\") else { return nil }
            i += 1
        }
        return nil
    }

    /// The content up to the closing quote (which it passes), read by `parse`.
    mutating func text<T>(_ parse: (UnsafeBufferPointer<UInt8>) -> T?) -> T? {
        let start = i
        while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
            if bytes[i] == UInt8(ascii: "\\") { return nil }
            i += 1
        }
        guard i < bytes.count, let value = parse(UnsafeBufferPointer(rebasing: bytes[start..<i])) else { return nil }
        i += 1
        return value
    }

    /// A JSON object in canonical form, as its bytes.
    mutating func canonicalObject() -> [UInt8]? {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{"),
            let end = CanonicalJSON.canonicalValueEnd(in: bytes, from: i)
        else { return nil }
        let value = Array(UnsafeBufferPointer(rebasing: bytes[i..<end]))
        i = end
        return value
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
