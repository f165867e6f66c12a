import DomainKit
import EventLog
import JSON
import Testing

@testable import DocumentTracking

/// The one payload reader (DomainKit's `Payload`) on document tracking's events and command
/// bodies: strict, counting bytes, refusing control characters, each refusal naming the field by
/// its path, and nothing written.
@Suite("Payloads: the strict reader on events and command bodies")
struct PayloadReaderTests {
    /// 300 characters, 600 UTF-8 bytes: within the old limit of 500 characters, over 500 bytes.
    static let longReason = String(repeating: "é", count: 300)
    /// 60 characters, 120 bytes: over the officer's 100 bytes.
    static let longOfficer = String(repeating: "ü", count: 60)

    struct EventCase: Sendable, CustomTestStringConvertible {
        var name: String
        var type = DocumentEvents.statusChanged
        var data: String
        var field: String
        /// Words the message must hold.
        var words: [String]
        var testDescription: String { name }
    }

    static let eventCases: [EventCase] = [
        EventCase(
            name: "unknown field", data: changedJSON().replacingOccurrences(of: "}", with: ",\"stamp\":1}"), field: "data.stamp",
            words: ["not a field"]),
        EventCase(
            name: "unknown field in the applicant", type: DocumentEvents.applicationSubmitted,
            data: submittedJSON(applicant: "{\"nikHash\":\"\(String(repeating: "a", count: 64))\",\"nama\":\"Baiq\"}"),
            field: "data.applicant.nama", words: ["not a field"]),
        EventCase(
            name: "control character in the officer", data: changedJSON(officer: "petugas\\u0007"), field: "data.officer",
            words: ["control"]),
        EventCase(
            name: "line feed in the reason", data: changedJSON(to: "rejected", reason: "Bukan\\npenduduk"), field: "data.reason",
            words: ["control"]),
        EventCase(
            name: "reason over 500 bytes", data: changedJSON(to: "rejected", reason: longReason), field: "data.reason",
            words: ["600 bytes", "500"]),
        EventCase(
            name: "officer over 100 bytes", data: changedJSON(officer: longOfficer), field: "data.officer", words: ["120 bytes", "100"]),
        EventCase(
            name: "missing changedAt",
            data: changedJSON().replacingOccurrences(of: ",\"changedAt\":\"2018-08-07T01:00:00.000Z\"", with: ""),
            field: "data.changedAt", words: ["required"]),
        EventCase(
            name: "missing submittedAt", type: DocumentEvents.applicationSubmitted, data: submittedJSON(submittedAt: "null"),
            field: "data.submittedAt", words: ["required"]),
        EventCase(
            name: "status outside the list", data: changedJSON(from: "hilang"), field: "data.from", words: ["one of", "revision-requested"]),
        EventCase(
            name: "channel outside the list", type: DocumentEvents.applicationSubmitted, data: submittedJSON(channel: "\"pos\""),
            field: "data.channel", words: ["one of", "online", "counter"]),
    ]

    @Test(arguments: eventCases)
    func anEventIsRefusedNamingTheFieldAndNothingIsWritten(_ c: EventCase) async throws {
        let h = try Harness()
        try await h.appendRaw(stream: "application-MTR-0123456789", type: DocumentEvents.applicationSubmitted, data: submittedJSON())
        if c.type == DocumentEvents.applicationSubmitted {
            // Another receipt, so that only the payload can be wrong.
            let data = c.data.replacingOccurrences(of: "MTR-0123456789", with: "MTR-0123456788")
            let refused = try await h.expectRefused(.invalidInput, field: c.field) {
                try await h.appendRaw(stream: "application-MTR-0123456788", type: c.type, data: data)
            }
            for word in c.words { #expect(refused?.message.contains(word) == true, "\(refused?.message ?? "")") }
        } else {
            let refused = try await h.expectRefused(.invalidInput, field: c.field) {
                try await h.appendRaw(stream: "application-MTR-0123456789", type: c.type, data: c.data)
            }
            for word in c.words { #expect(refused?.message.contains(word) == true, "\(refused?.message ?? "")") }
        }
        #expect(try h.ruleGuard.withCurrentState(h.store) { try h.domain.rules.applicationCount } == 1)
    }

    struct BodyCase: Sendable, CustomTestStringConvertible {
        var name: String
        var command: String
        var body: String
        var field: String
        var words: [String]
        var testDescription: String { name }
    }

    static let submit = #"{"documentType":"kk","office":"kec-ampenan","channel":"counter","applicant":{"nik":"5271036203890002"}"#

    static let bodyCases: [BodyCase] = [
        BodyCase(
            name: "unknown field", command: "change-status", body: #"{"to":"verified","officer":"p","stamp":1}"#, field: "stamp",
            words: ["not a field"]),
        BodyCase(
            name: "unknown field in the applicant", command: "submit-application",
            body: submit.replacingOccurrences(of: #"{"nik""#, with: #"{"nama":"X","nik""#) + "}", field: "applicant.nama",
            words: ["not a field"]),
        BodyCase(
            name: "control character in the officer", command: "change-status", body: #"{"to":"verified","officer":"p\t1"}"#,
            field: "officer", words: ["control"]),
        BodyCase(
            name: "control character in the NIK", command: "submit-application",
            body: submit.replacingOccurrences(of: #""nik":"5"#, with: #""nik":"\u00005"#) + "}", field: "applicant.nik", words: ["control"]),
        BodyCase(
            name: "reason over 500 bytes", command: "change-status", body: #"{"to":"rejected","officer":"p","reason":"\#(longReason)"}"#,
            field: "reason", words: ["600 bytes", "500"]),
        BodyCase(
            name: "officer over 100 bytes", command: "change-status", body: #"{"to":"verified","officer":"\#(longOfficer)"}"#,
            field: "officer",
            words: ["120 bytes", "100"]),
        BodyCase(name: "missing to", command: "change-status", body: #"{"officer":"p"}"#, field: "to", words: ["required"]),
        BodyCase(
            name: "missing document type", command: "submit-application",
            body: submit.replacingOccurrences(of: #""documentType":"kk","#, with: "") + "}", field: "documentType", words: ["required"]),
        BodyCase(
            name: "status outside the list", command: "change-status", body: #"{"to":"hilang","officer":"p"}"#, field: "to",
            words: ["one of", "collected"]),
        BodyCase(
            name: "document type outside the list", command: "submit-application",
            body: submit.replacingOccurrences(of: #""kk""#, with: #""paspor""#) + "}", field: "documentType", words: ["one of", "ktp-el"]),
    ]

    @Test(arguments: bodyCases)
    func aCommandBodyIsRefusedNamingTheFieldAndNothingIsWritten(_ c: BodyCase) async throws {
        let h = try Harness()
        let (receipt, _) = try await h.submit()
        var body = try JSONParser.parse(c.body)
        if c.command == "change-status", case .object(var members) = body {
            members.append((key: "receiptNumber", value: .string(receipt)))
            body = .object(members)
        }
        let refused = try await h.expectRefused(.invalidInput, field: c.field) { _ = try await h.run(c.command, body) }
        for word in c.words { #expect(refused?.message.contains(word) == true, "\(refused?.message ?? "")") }
        #expect(try h.ruleGuard.withCurrentState(h.store) { try h.domain.rules.applicationCount } == 1)
    }

    @Test func multibyteTextWithinItsBytesIsAccepted() async throws {
        let h = try Harness()
        let (receipt, _) = try await h.submit()
        // 250 characters of 2 bytes: exactly the 500 bytes allowed.
        try await h.change(receipt, to: "revision-requested", at: "2018-08-07T10:00:00+08:00", reason: String(repeating: "é", count: 250))
        #expect(try h.store.stats().events == 2)
    }

    @Test func theNIKIsNeverRepeatedByARefusal() throws {
        let nik = "527103620389000\u{7}"
        let body: JSONValue = ["documentType": "kk", "office": "kec-ampenan", "channel": "counter", "applicant": ["nik": .string(nik)]]
        do {
            _ = try DocumentTrackingCommand.parse("submit-application", body: body)
            Issue.record("parsed")
        } catch {
            #expect(error.field == "applicant.nik")
            #expect(!error.message.contains("527103620389000"))
        }
    }

    @Test func theLogStoresThePayloadsAsBefore() throws {
        let submitted = ApplicationSubmitted(
            receiptNumber: "MTR-0123456789", documentType: .kk, office: "kec-ampenan", channel: .online,
            applicant: Applicant(nikHash: String(repeating: "a", count: 64)), pinHash: String(repeating: "b", count: 64),
            submittedAt: ts("2018-08-06T09:00:00+08:00"))
        #expect(
            String(decoding: CanonicalJSON.encode(submitted.json), as: UTF8.self)
                == #"{"applicant":{"nikHash":"\#(String(repeating: "a", count: 64))"},"channel":"online","documentType":"kk","office":"kec-ampenan","pinHash":"\#(String(repeating: "b", count: 64))","receiptNumber":"MTR-0123456789","submittedAt":"2018-08-06T01:00:00.000Z"}"#
        )
        var changed = StatusChanged(
            receiptNumber: "MTR-0123456789", from: .submitted, to: .verified, reason: nil, officer: "petugas-01",
            changedAt: ts("2018-08-07T09:00:00+08:00"))
        // No reason: the member is left out, never null.
        #expect(
            String(decoding: CanonicalJSON.encode(changed.json), as: UTF8.self)
                == #"{"changedAt":"2018-08-07T01:00:00.000Z","from":"submitted","officer":"petugas-01","receiptNumber":"MTR-0123456789","to":"verified"}"#
        )
        changed.reason = "KK"
        #expect(changed.json["reason"] == "KK")
        // And what is written reads back the same.
        #expect(try ApplicationSubmitted.read(submitted.json) == submitted)
        #expect(try StatusChanged.read(changed.json) == changed)
    }
}
