import Crypto
import DomainKit
import EventLog
import Foundation
import JSON
import PersonalData
import Projections
import TestSupport
import Testing

@testable import DocumentTracking

@Suite("Sealed applicants") struct SealedApplicantTests {
    static let nik = "5271010101900001"
    static let name = "Baiq Nurul Aini"
    static let phone = "081234567890"

    static func vault() throws -> Vault {
        let path = RemovedAtExit.path(
            FileManager.default.temporaryDirectory.appendingPathComponent("lumbung-vault-\(UUID().uuidString)").path)
        return try Vault(directory: path, masterKey: SymmetricKey(size: .bits256))
    }

    static func body(email: String? = nil) -> JSONValue {
        var applicant: [(key: String, value: JSONValue)] = [("nik", .string(nik)), ("name", .string(name)), ("phone", .string(phone))]
        if let email { applicant.append(("email", .string(email))) }
        return [
            "documentType": "ktp-el", "office": "dukcapil-mataram", "channel": "counter", "applicant": .object(applicant),
            "submittedAt": "2018-08-06T09:00:00+08:00",
        ]
    }

    static func contains(_ bytes: [UInt8], _ text: String) -> Bool { bytes.firstRange(of: Array(text.utf8)) != nil }

    @Test func personalFieldsReachTheLogAndTheViewsOnlySealed() async throws {
        let vault = try Self.vault()
        let h = try Harness(vault: vault)
        let d = try await h.run("submit-application", Self.body(email: "baiq@example.id"))
        let receipt = try #require(d.ids["receiptNumber"])
        let event = try #require(d.events.first)
        for clear in [Self.nik, Self.name, "Baiq", Self.phone, "baiq@example.id"] {
            #expect(!Self.contains(event.data, clear), "the event holds \(clear) in clear")
        }
        let applicant = try #require(event.dataValue["applicant"])
        let subject = try #require(applicant["subject"]?.stringValue)
        #expect(try vault.subject(.nik, Self.nik) == subject)
        #expect(applicant["nikHash"] == nil)
        #expect(applicant["name"]?["subject"]?.stringValue == subject)

        try h.engine().catchUp()
        let views = try h.dumpViews()
        for (_, entries) in views {
            for (k, v) in entries {
                for clear in [Self.nik, "Baiq", Self.phone] {
                    #expect(!Self.contains(Array(k.utf8) + v, clear), "a view holds \(clear) in clear")
                }
            }
        }
        // Opened at query time, found by subject.
        let record = try h.read(DocumentViews.applications) { view in
            #expect(try DocumentTrackingQueries.receipts(view, subject: subject) == [receipt])
            let sealed = try #require(try DocumentTrackingQueries.sealedApplicant(view, receiptNumber: receipt))
            return try DocumentTrackingQueries.open(sealed, receiptNumber: receipt, vault: vault)
        }
        #expect(
            record
                == ApplicantRecord(
                    receiptNumber: receipt, subject: subject, nik: Self.nik, name: Self.name, phone: Self.phone,
                    email: "baiq@example.id", erased: false))

        // A second application by the same NIK is the same subject.
        let d2 = try await h.run("submit-application", Self.body())
        #expect(d2.events.first?.dataValue["applicant"]?["subject"]?.stringValue == subject)

        // Forgotten: every field reads erased, the public record stays.
        try vault.forget(subject)
        let erased = try h.read(DocumentViews.applications) { view in
            let sealed = try #require(try DocumentTrackingQueries.sealedApplicant(view, receiptNumber: receipt))
            return try DocumentTrackingQueries.open(sealed, receiptNumber: receipt, vault: vault)
        }
        #expect(erased?.erased == true)
        #expect(erased?.nik == "[dihapus]" && erased?.name == "[dihapus]" && erased?.phone == "[dihapus]")
        #expect(
            try h.read(DocumentViews.applications) { try DocumentTrackingQueries.application($0, receiptNumber: receipt) }?.status
                == .submitted)
    }

    @Test func theOldBodyShapeIsStillAccepted() async throws {
        let h = try Harness(vault: try Self.vault())
        let (receipt, _) = try await h.submit(nik: Self.nik)
        #expect(ReceiptNumber.isValid(receipt))
    }

    @Test func withoutAVaultANameIsRefusedAndNothingWritten() async throws {
        let h = try Harness()
        try await h.expectRefused(.invalidInput, field: "applicant.name") {
            _ = try await h.run("submit-application", Self.body())
        }
    }

    @Test(arguments: ["0812345", "08123456789012345", "0812x4567890"])
    func aBadPhoneIsRefusedWithoutRepeatingIt(_ phone: String) async throws {
        let h = try Harness(vault: try Self.vault())
        let body: JSONValue = [
            "documentType": "ktp-el", "office": "dukcapil-mataram", "channel": "counter",
            "applicant": ["nik": .string(Self.nik), "phone": .string(phone)],
        ]
        let e = try await h.expectRefused(.invalidInput, field: "applicant.phone") { _ = try await h.run("submit-application", body) }
        #expect(e.map { !$0.message.contains(phone) } ?? false)
    }

    @Test(arguments: [
        (#"{"nik":"5271010101900001"}"#, "data.applicant.nik"),
        (#"{"nikHash":"\#(String(repeating: "a", count: 64))","name":"Baiq"}"#, "data.applicant.name"),
        (#"{"nikHash":"\#(String(repeating: "a", count: 64))","phone":"081234567890"}"#, "data.applicant.phone"),
    ])
    func aRawEventWithAClearPersonalFieldIsRefused(applicant: String, field: String) async throws {
        let h = try Harness(vault: try Self.vault())
        try await h.expectRefused(.invalidInput, field: field) {
            try await h.appendRaw(
                stream: "application-MTR-0123456789", type: "documents.application-submitted", data: submittedJSON(applicant: applicant))
        }
    }

    @Test func aSealedFieldOfAnotherSubjectIsRefused() async throws {
        let vault = try Self.vault()
        let h = try Harness(vault: vault)
        let a = try vault.subjectCreating(.nik, Self.nik)
        let b = try vault.subjectCreating(.nik, "5271010101900002")
        let nik = try vault.seal(Self.nik, field: "applicant.nik", subject: a)
        let name = try vault.seal(Self.name, field: "applicant.name", subject: b)
        let applicant = String(
            decoding: CanonicalJSON.encode([
                "subject": .string(a), "nik": JSONValueEncoder().encode(nik), "name": JSONValueEncoder().encode(name),
            ]),
            as: UTF8.self)
        try await h.expectRefused(.invalidInput, field: "data.applicant.name.subject") {
            try await h.appendRaw(
                stream: "application-MTR-0123456789", type: "documents.application-submitted", data: submittedJSON(applicant: applicant))
        }
    }

    @Test(arguments: [
        "NIK 5271010101900001 a.n. Baiq Nurul Aini", "KK 5271 0101 0190 0001 hilang", "hubungi HP 081234567890",
        "telepon +62 812-3456-7890", "WA 0812.3456.789",
    ])
    func aReasonWithPersonalDataIsRefusedAndNothingWritten(_ reason: String) async throws {
        let h = try Harness(vault: try Self.vault())
        let (receipt, _) = try await h.submit(nik: Self.nik)
        try await h.expectRefused(.invalidInput, field: "reason") {
            try await h.change(receipt, to: "rejected", at: "2018-08-07T09:00:00+08:00", reason: reason)
        }
    }

    @Test(arguments: ["berkas KK belum lengkap", "foto buram, ulang 2 kali", "antre sejak 2018-08-06 pukul 08.30", "biaya Rp 1.000.000"])
    func aReasonWithoutPersonalDataIsAccepted(_ reason: String) async throws {
        let h = try Harness(vault: try Self.vault())
        let (receipt, _) = try await h.submit(nik: Self.nik)
        try await h.change(receipt, to: "rejected", at: "2018-08-07T09:00:00+08:00", reason: reason)
    }
}
