/// The rules for stream names and event types.
public enum Names {
    /// Longest stream name, in bytes.
    public static let maxStreamBytes = 200
    /// Longest event type, in bytes.
    public static let maxTypeBytes = 100

    /// A stream is `<category>-<id>`: 1-200 bytes of `[A-Za-z0-9._:-]`, not starting with `-`.
    public static func checkStream(_ stream: String, field: String = "stream") throws(EventLogError) {
        let b = stream.utf8
        guard !b.isEmpty else { throw .invalid(field, "a stream name is required") }
        guard b.count <= maxStreamBytes else {
            throw .invalid(field, "stream name is \(b.count) bytes, longer than the \(maxStreamBytes) allowed")
        }
        guard b.first != 0x2D else { throw .invalid(field, "stream name \"\(stream)\" must not start with '-'") }
        for c in b where !isStreamByte(c) {
            throw .invalid(
                field, "stream name \"\(stream.prefix(60))\" has a character outside [A-Za-z0-9._:-]")
        }
    }

    @inline(__always)
    static func isStreamByte(_ c: UInt8) -> Bool {
        switch c {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2E, 0x5F, 0x3A, 0x2D: return true
        default: return false
        }
    }

    /// An event type is `<domain>.<name>`, each part lower-case kebab (`[a-z0-9]` runs joined by
    /// single `-`), at most 100 bytes, e.g. `aid.donation-received`.
    /// The prefixes of system types: events Lumbung writes itself (API keys, erasures) and that no
    /// door (HTTP, CLI, import) may append. See `AppendRequest.isSystem`.
    public static let systemTypePrefixes = ["auth.", "privacy."]

    /// Whether `type` is a system type.
    public static func isSystemType(_ type: String) -> Bool {
        systemTypePrefixes.contains { type.hasPrefix($0) }
    }

    public static func checkType(_ type: String, field: String = "type") throws(EventLogError) {
        let b = Array(type.utf8)
        guard !b.isEmpty else { throw .invalid(field, "an event type is required") }
        guard b.count <= maxTypeBytes else {
            throw .invalid(field, "event type is \(b.count) bytes, longer than the \(maxTypeBytes) allowed")
        }
        let parts = b.split(separator: 0x2E, omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy(isKebab) else {
            throw .invalid(
                field, "event type \"\(type.prefix(100))\" must be <domain>.<name> in lower-case kebab, e.g. aid.donation-received")
        }
    }

    static func isKebab(_ part: ArraySlice<UInt8>) -> Bool {
        guard let first = part.first, let last = part.last, first != 0x2D, last != 0x2D else { return false }
        var prev: UInt8 = 0
        for c in part {
            switch c {
            case 0x61...0x7A, 0x30...0x39: break
            case 0x2D where prev != 0x2D: break
            default: return false
            }
            prev = c
        }
        return true
    }

    /// The category of a stream: the text before its first `-` (the whole name if none).
    public static func category(of stream: String) -> Substring {
        Substring(category(ofUTF8: stream.utf8))
    }

    /// As `category(of:)`, on the stream name's UTF-8 bytes.
    public static func category<Bytes: Collection<UInt8>>(ofUTF8 stream: Bytes) -> Bytes.SubSequence {
        stream.prefix { $0 != UInt8(ascii: "-") }
    }
}
