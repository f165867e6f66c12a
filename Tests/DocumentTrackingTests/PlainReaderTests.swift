import DomainKit
import EventLog
import JSON
import Testing

@testable import DocumentTracking

/// The readers of plainly valid status changes and notification outcomes (from their stored
/// bytes, without `Codable`, for a rebuild's folds) take exactly what the strict reader takes,
/// with the same value, and leave everything else to it: they never read a payload it refuses.
@Suite("Payloads: the plain reader of status changes and notifications")
struct PlainReaderTests {
    static func object(_ base: [String: JSONValue], _ change: [String: JSONValue?]) -> [UInt8] {
        var m = base
        for (k, v) in change { m[k] = v }
        return CanonicalJSON.encode(.object(m.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }))
    }

    /// What the strict reader makes of `bytes` as an event of `type` (nil: refused), and what the
    /// plain reader makes of them; the plain one must be nil or the same, and nil when refused.
    static func agree(_ type: String, _ bytes: [UInt8], _ label: String) -> Bool {
        let strict = (try? JSONParser.parse(bytes)).flatMap { try? Application.Event.read(type: type, data: $0) }
        let plain = Application.Event.plainlyValid(type: type, bytes: bytes)
        if let plain { #expect(plain == strict, "\(label): \(String(decoding: bytes, as: UTF8.self))") }
        return plain != nil
    }

    static let changed: [String: JSONValue] = [
        "receiptNumber": "MTR-0123456789", "from": "submitted", "to": "verified", "officer": "dukcapil-mataram/petugas-01",
        "changedAt": "2018-08-07T01:00:00.000Z",
    ]

    @Test func statusChangesReadPlainlyOnlyWhatTheStrictReaderReads() {
        let read: [[String: JSONValue?]] = [
            [:], ["to": "rejected", "reasonCode": "data-tidak-sesuai"], ["to": "rejected", "reason": "Berkas tidak sesuai"],
            ["to": "revision-requested", "reasonCode": "lampiran-belum-lengkap", "reason": "Kurang KK"],
            ["changedAt": "2018-08-07T09:00:00+08:00"], ["reason": .string(String(repeating: "é", count: 250))],
            ["officer": "key:3f9c"],
        ]
        let refused: [[String: JSONValue?]] = [
            ["receiptNumber": nil], ["from": nil], ["to": nil], ["officer": nil], ["changedAt": nil],
            ["receiptNumber": "MTR-012345678U"], ["receiptNumber": "mtr-0123456789"], ["receiptNumber": ""],
            ["from": "Submitted"], ["to": "done"], ["to": 1], ["reasonCode": "typo"], ["reasonCode": .null],
            ["reason": "   "], ["reason": ""], ["reason": .string(String(repeating: "é", count: 251))],
            ["reason": "hubungi 0812 3456 7890"], ["reason": "NIK 5271010101010001"], ["reason": "tab\there"],
            ["officer": "Baiq Nurul"], ["officer": .string(String(repeating: "p", count: 101))], ["officer": "-petugas"],
            ["changedAt": "2018-08-07"], ["changedAt": "2018-02-30T01:00:00Z"], ["changedAt": "1969-12-31T23:59:59Z"],
            ["changedAt": 1_533_600_000], ["stamp": 1], ["extra": "x"], ["officer": ["a"]], ["reason": ["a": "b"]],
        ]
        var plain = 0
        for change in read + refused where Self.agree(DocumentEvents.statusChanged, Self.object(Self.changed, change), "\(change)") {
            plain += 1
        }
        // Every valid one is read plainly (a test that passed with none would prove nothing).
        #expect(plain == read.count)
    }

    static let delivered: [String: JSONValue] = [
        "receiptNumber": "MTR-0123456789", "delivery": "b09fc12c-59a1-4a9e-89d0-d83a298b31cd:email", "channel": "email",
        "at": "2018-08-07T01:00:00.000Z",
    ]

    @Test func notificationsReadPlainlyOnlyWhatTheStrictReaderReads() {
        let failed = DocumentEvents.notificationTypes.first { $0.hasSuffix("failed") }!
        let retry = DocumentEvents.notificationTypes.first { $0.hasSuffix("retry-requested") }!
        let delivered = DocumentEvents.notificationTypes.first { $0.hasSuffix("delivered") }!
        let cases: [(type: String, change: [String: JSONValue?], read: Bool)] = [
            (delivered, [:], true),
            (failed, ["attempt": 1, "error": "smtp-451", "nextAttemptAt": "2018-08-07T01:05:00.000Z"], true),
            (failed, ["attempt": 5, "error": "erased"], true),
            (retry, ["requestedBy": "cli"], true),
            (retry, ["requestedBy": "key:3f9c"], true),
            (delivered, ["channel": "sms", "delivery": "b09fc12c-59a1-4a9e-89d0-d83a298b31cd:sms"], true),
            // Refused by the strict reader: fields, then the rules between them (`check`).
            (delivered, ["channel": "sms"], false), (delivered, ["channel": "pos"], false), (delivered, ["delivery": "x:email"], false),
            (delivered, ["receiptNumber": "MTR-012"], false), (delivered, ["at": "kemarin"], false), (delivered, ["at": nil], false),
            (delivered, ["attempt": 1], false), (delivered, ["error": "timeout"], false), (delivered, ["requestedBy": "cli"], false),
            (failed, [:], false), (failed, ["attempt": 0, "error": "timeout"], false),
            (failed, ["attempt": -1, "error": "timeout"], false),
            (failed, ["attempt": 1.5, "error": "timeout"], false), (failed, ["attempt": "1", "error": "timeout"], false),
            (failed, ["attempt": 1, "error": "SMTP 451"], false), (failed, ["attempt": 1, "error": ""], false),
            (failed, ["attempt": 1e17, "error": "timeout"], false), (retry, ["requestedBy": "Baiq"], false),
            (delivered, ["extra": "x"], false), (delivered, ["channel": .null], false),
        ]
        for (type, change, read) in cases {
            #expect(Self.agree(type, Self.object(Self.delivered, change), "\(type) \(change)") == read, "\(type) \(change)")
        }
    }

    /// Bytes the plain reader does not read (escapes, whitespace, other number forms, a member
    /// twice, damage) go to the parser and the strict reader, which read or refuse them.
    @Test func bytesThatAreNotPlainAreLeftToTheParser() throws {
        let canonical = String(decoding: Self.object(Self.changed, [:]), as: UTF8.self)
        let failed = String(decoding: Self.object(Self.delivered, ["attempt": 2, "error": "timeout"]), as: UTF8.self)
        let failedType = DocumentEvents.notificationTypes.first { $0.hasSuffix("failed") }!
        func variant(_ text: String, _ from: String, _ to: String) -> [UInt8] {
            #expect(text.contains(from), "\(from)")
            return Array(text.replacingOccurrences(of: from, with: to).utf8)
        }
        let variants: [(String, String, [UInt8])] = [
            ("an escape", DocumentEvents.statusChanged, variant(canonical, "\"to\":\"verified\"", "\"to\":\"verifie\\u0064\"")),
            ("an escaped key", DocumentEvents.statusChanged, variant(canonical, "\"to\"", "\"t\\u006f\"")),
            ("whitespace", DocumentEvents.statusChanged, variant(canonical, ",\"to\"", ", \"to\"")),
            (
                "a member twice", DocumentEvents.statusChanged,
                variant(canonical, "\"to\":\"verified\"", "\"to\":\"verified\",\"to\":\"verified\"")
            ),
            ("a raw control character", DocumentEvents.statusChanged, variant(canonical, "petugas-01", "petugas-\u{7}01")),
            // "#" is nowhere else in the payload: it becomes a byte that starts no UTF-8 character.
            (
                "ill-formed UTF-8", DocumentEvents.statusChanged,
                variant(canonical, "petugas-01", "petugas-#1").map { $0 == 0x23 ? 0xC0 : $0 }
            ),
            ("text after the object", DocumentEvents.statusChanged, Array((canonical + "}").utf8)),
            ("a trailing comma", DocumentEvents.statusChanged, variant(canonical, "\"}", "\",}")),
            ("not an object", DocumentEvents.statusChanged, Array("[1]".utf8)),
            ("empty", DocumentEvents.statusChanged, Array("{}".utf8)),
            ("a leading zero", failedType, variant(failed, "\"attempt\":2", "\"attempt\":02")),
            ("an exponent", failedType, variant(failed, "\"attempt\":2", "\"attempt\":2e0")),
            ("a fraction", failedType, variant(failed, "\"attempt\":2", "\"attempt\":2.0")),
            ("a sign", failedType, variant(failed, "\"attempt\":2", "\"attempt\":-2")),
            ("sixteen digits", failedType, variant(failed, "\"attempt\":2", "\"attempt\":1234567890123456")),
            ("plain", failedType, Array(failed.utf8)),
        ]
        var plain: [String] = []
        for (name, type, bytes) in variants where Self.agree(type, bytes, name) { plain.append(name) }
        #expect(plain == ["plain"], "\(plain)")
        // The parser and the strict reader read some of them all the same.
        let strict = variants.filter { name, type, bytes in
            (try? JSONParser.parse(bytes)).flatMap { try? Application.Event.read(type: type, data: $0) } != nil
        }
        #expect(
            strict.map(\.0) == ["an escape", "an escaped key", "whitespace", "an exponent", "a fraction", "sixteen digits", "plain"],
            "\(strict.map(\.0))")
    }
}
