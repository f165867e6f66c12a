import Crypto
import EventLog
import Foundation
import JSON
import Projections
import Testing

@testable import DocumentTracking

@Suite("Commands: parse, decide, and their refusals")
struct CommandsTests {
    let body: JSONValue = [
        "documentType": "kk", "office": "kec-cakranegara", "channel": "counter", "applicant": ["nik": "5271036203890002"],
        "submittedAt": "2018-08-13T09:30:00+08:00",
    ]

    func replacing(_ key: String, with value: JSONValue?) -> JSONValue {
        guard case .object(var m) = body else { return body }
        m.removeAll { $0.key == key }
        if let value { m.append((key: key, value: value)) }
        return .object(m)
    }

    func expectParseError(_ name: String, _ body: JSONValue, field: String) -> EventLogError? {
        do {
            _ = try DocumentTrackingCommand.parse(name, body: body)
            Issue.record("parsed")
            return nil
        } catch {
            #expect(error.code == .invalidInput, "\(error.message)")
            #expect(error.field == field, "\(error.message)")
            #expect(error.message.hasPrefix(field + ": "), "\(error.message)")
            return error
        }
    }

    @Test func parsesSubmitApplication() throws {
        let c = try DocumentTrackingCommand.parse("submit-application", body: body)
        guard case .submitApplication(let s) = c else {
            Issue.record("wrong case")
            return
        }
        #expect(s.documentType == .kk && s.office == "kec-cakranegara" && s.channel == .counter)
        #expect(s.nik == "5271036203890002")
        #expect(s.submittedAt == ts("2018-08-13T01:30:00Z"))
        #expect(!s.description.contains("5271036203890002"))
    }

    @Test func parseRefusesBadBodiesNamingTheField() {
        _ = expectParseError("cancel-application", body, field: "command")
        _ = expectParseError("submit-application", replacing("documentType", with: nil), field: "documentType")
        _ = expectParseError("submit-application", replacing("documentType", with: "paspor"), field: "documentType")
        _ = expectParseError("submit-application", replacing("office", with: "dukcapil-bima"), field: "office")
        _ = expectParseError("submit-application", replacing("channel", with: "fax"), field: "channel")
        _ = expectParseError("submit-application", replacing("applicant", with: nil), field: "applicant")
        _ = expectParseError(
            "submit-application", replacing("applicant", with: ["nikHash": .string(String(repeating: "a", count: 64))]),
            field: "applicant.nikHash")
        _ = expectParseError("submit-application", replacing("applicant", with: ["nik": 5_271_036_203_890_002]), field: "applicant.nik")
        _ = expectParseError("submit-application", replacing("receiptNumber", with: "MTR-0123456789"), field: "receiptNumber")
        _ = expectParseError("submit-application", replacing("submittedAt", with: "kemarin"), field: "submittedAt")
        _ = expectParseError("submit-application", .array([]), field: "body")
        _ = expectParseError("change-status", ["to": "verified", "officer": "x"], field: "receiptNumber")
        _ = expectParseError("change-status", ["receiptNumber": "MTR-12", "to": "verified", "officer": "x"], field: "receiptNumber")
        _ = expectParseError("change-status", ["receiptNumber": "MTR-0123456789", "to": "hilang", "officer": "x"], field: "to")
        _ = expectParseError("change-status", ["receiptNumber": "MTR-0123456789", "to": "verified"], field: "officer")
    }

    @Test(arguments: ["527103620389000", "52710362038900021", "5271O36203890002", "5271-0362-0389-00", ""])
    func aNIKMustBe16DigitsAndTheErrorNeverRepeatsIt(nik: String) {
        let error = expectParseError("submit-application", replacing("applicant", with: ["nik": .string(nik)]), field: "applicant.nik")
        if let error, !nik.isEmpty { #expect(!error.message.contains(nik)) }
    }

    @Test func submitMakesAReceiptAPINAndOnlyHashes() throws {
        let domain = DocumentTrackingDomain(secret: testSecret)
        let c = try domain.parse("submit-application", body: body)
        let d = try domain.decide(c, now: ts("2018-08-13T10:00:00+08:00"))
        let receipt = try #require(d.ids["receiptNumber"])
        let pin = try #require(d.secrets["pin"])
        #expect(ReceiptNumber.isValid(receipt))
        #expect(receipt.hasPrefix("MTR-") && receipt.count == 14)
        #expect(pin.wholeMatch(of: /[0-9A-HJKMNP-TV-Z]{8}/) != nil)
        #expect(d.events.count == 1)
        let e = try #require(d.events.first)
        #expect(e.stream == "application-" + receipt)
        #expect(e.type == "documents.application-submitted")
        #expect(e.expectedVersion == .noStream)
        #expect(e.occurredAt == ts("2018-08-13T01:30:00Z"))
        let text = String(decoding: e.data, as: UTF8.self)
        #expect(!text.contains("5271036203890002"))
        #expect(!text.contains("\"nik\""))
        #expect(!text.contains(pin))
        // The hashes are the documented HMACs, computed here independently.
        let nikMAC = HMAC<SHA256>.authenticationCode(for: Data("nik:5271036203890002".utf8), using: testSecret)
        let pinMAC = HMAC<SHA256>.authenticationCode(for: Data("pin:\(receipt):\(pin)".utf8), using: testSecret)
        #expect(e.dataValue["applicant"]?["nikHash"]?.stringValue == Data(nikMAC).map { String(format: "%02x", $0) }.joined())
        #expect(e.dataValue["pinHash"]?.stringValue == Data(pinMAC).map { String(format: "%02x", $0) }.joined())
        // The lookup's prepared key (key schedule done once, reused for many PINs) hashes alike.
        let prepared = DocumentSecrets.PreparedKey(testSecret)
        for _ in 0..<2 { #expect(prepared.pinHash(receiptNumber: receipt, pin: pin) == e.dataValue["pinHash"]?.stringValue) }
        #expect(prepared.pinHash(receiptNumber: receipt, pin: "000000") != e.dataValue["pinHash"]?.stringValue)
        #expect(e.dataValue["submittedAt"]?.stringValue == "2018-08-13T01:30:00.000Z")
    }

    @Test func submittedAtDefaultsToNowAndMayNotLieInTheFuture() throws {
        let domain = DocumentTrackingDomain(secret: testSecret)
        let now = ts("2018-08-13T10:00:00+08:00")
        let d = try domain.decide(try domain.parse("submit-application", body: replacing("submittedAt", with: nil)), now: now)
        #expect(d.events.first?.occurredAt == now)
        do {
            _ = try domain.decide(
                try domain.parse("submit-application", body: replacing("submittedAt", with: "2018-08-14T10:00:00+08:00")), now: now)
            Issue.record("a future submission was accepted")
        } catch {
            #expect(error.code == .invalidInput && error.field == "submittedAt")
        }
    }

    @Test func aReceiptNumberAlreadyTakenIsNeverReused() async throws {
        let h = try Harness()
        let c = try h.domain.parse("submit-application", body: body)
        var g1 = CountingGenerator(state: 42)
        let first = try h.ruleGuard.withCurrentState(h.store) {
            try h.domain.decide(c, rules: h.domain.rules, now: ts("2018-08-13T10:00:00+08:00"), using: &g1)
        }
        try await h.append(first.events)
        var g2 = CountingGenerator(state: 42)  // the same draws: the first receipt number comes again
        let second = try h.ruleGuard.withCurrentState(h.store) {
            try h.domain.decide(c, rules: h.domain.rules, now: ts("2018-08-13T10:00:00+08:00"), using: &g2)
        }
        #expect(first.ids["receiptNumber"] != second.ids["receiptNumber"])
        try await h.append(second.events)
        // And the log itself refuses the same stream again (expected version no-stream; the rules
        // refuse the receipt number too, see RulesTests).
        try await h.expectRefused(.wrongExpectedVersion, field: "expectedVersion") { try await h.append(first.events) }
    }

    @Test func changeStatusTakesFromFromTheStateAndNormalizesTheReceipt() async throws {
        let h = try Harness()
        let (receipt, _) = try await h.submit()
        let typed = receipt.lowercased().replacingOccurrences(of: "0", with: "o")
        let d = try await h.run(
            "change-status",
            [
                "receiptNumber": .string(typed), "to": "verified", "officer": "dukcapil-mataram/petugas-02",
                "changedAt": "2018-08-07T10:00:00+08:00",
            ])
        #expect(d.ids["receiptNumber"] == receipt)
        #expect(d.secrets.isEmpty)
        let e = try #require(d.events.first)
        #expect(e.dataValue["from"]?.stringValue == "submitted")
        #expect(e.dataValue["to"]?.stringValue == "verified")
        #expect(e.dataValue["reason"] == nil)
        #expect(e.stream == "application-" + receipt)
        #expect(try h.store.version(of: "application-" + receipt) == 2)
    }

    @Test func commandRuleErrorsNameTheBodyFieldAndWriteNothing() async throws {
        let h = try Harness()
        let (receipt, _) = try await h.submit()
        try await h.expectRefused(.ruleViolation, field: "to") {
            try await h.change(receipt, to: "collected", at: "2018-08-07T10:00:00+08:00")
        }
        try await h.expectRefused(.ruleViolation, field: "reason") {
            try await h.change(receipt, to: "rejected", at: "2018-08-07T10:00:00+08:00")
        }
        try await h.expectRefused(.ruleViolation, field: "changedAt") {
            try await h.change(receipt, to: "verified", at: "2018-08-01T10:00:00+08:00")
        }
        try await h.expectRefused(.ruleViolation, field: "receiptNumber") {
            try await h.change("MTR-ZZZZZZZZZZ", to: "verified", at: "2018-08-07T10:00:00+08:00")
        }
        try await h.expectRefused(.ruleViolation, field: "from") {
            _ = try await h.run(
                "change-status",
                [
                    "receiptNumber": .string(receipt), "from": "verified", "to": "in-process", "officer": "x",
                    "changedAt": "2018-08-07T10:00:00+08:00",
                ])
        }
        try await h.expectRefused(.invalidInput, field: "changedAt") {
            _ = try await h.run(
                "change-status",
                ["receiptNumber": .string(receipt), "to": "verified", "officer": "x", "changedAt": "2018-09-07T10:00:00+08:00"],
                now: ts("2018-08-20T10:00:00+08:00"))
        }
    }

    @Test func aStaleDecisionIsRefusedByTheLog() async throws {
        let h = try Harness()
        let (receipt, _) = try await h.submit()
        let command = try h.domain.parse(
            "change-status",
            body: ["receiptNumber": .string(receipt), "to": "verified", "officer": "a", "changedAt": "2018-08-07T10:00:00+08:00"])
        let other = try h.domain.parse(
            "change-status",
            body: [
                "receiptNumber": .string(receipt), "to": "revision-requested", "reason": "Foto buram", "officer": "b",
                "changedAt": "2018-08-07T10:05:00+08:00",
            ])
        // Two officers decide on the same state; the second to append loses.
        let d1 = try h.ruleGuard.withCurrentState(h.store) { try h.domain.decide(command, now: ts("2018-08-20T00:00:00Z")) }
        let d2 = try h.ruleGuard.withCurrentState(h.store) { try h.domain.decide(other, now: ts("2018-08-20T00:00:00Z")) }
        try await h.append(d1.events)
        try await h.expectRefused(.ruleViolation, field: "data.from") { try await h.append(d2.events) }
    }

    @Test func realReceiptNumbersAndPINsAreRandom() throws {
        let domain = DocumentTrackingDomain(secret: testSecret)
        let c = try domain.parse("submit-application", body: body)
        var receipts = Set<String>()
        var pins = Set<String>()
        for _ in 0..<200 {
            let d = try domain.decide(c, now: ts("2018-08-13T10:00:00+08:00"))
            receipts.insert(d.ids["receiptNumber"] ?? "")
            pins.insert(d.secrets["pin"] ?? "")
        }
        #expect(receipts.count == 200)
        #expect(pins.count > 150)
    }
}
