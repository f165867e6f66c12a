import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import LumbungCore
@testable import QueryService

@Suite("Routes: privacy (vault, export, forget, access log)")
struct PrivacyRoutesTests {
    static let nik = "5271010101900001"
    static let application = #"""
        {"documentType":"ktp-el","office":"dukcapil-mataram","channel":"online",
         "applicant":{"nik":"5271010101900001","name":"Baiq Nurul Aini","phone":"+62 812-3456-7890","email":"baiq@example.id"}}
        """#

    @Test("the officer's view opens the applicant and records the read; cek resi shows nothing personal")
    func officerView() async throws {
        try await withRouter { env, client in
            let r = try await client.command("/v1/documents/applications", token: env.token(.documentsWriter), body: Self.application)
            let receipt = try #require(r.string("receiptNumber"))
            let pin = try #require(r.string("pin"))
            let seen = try await client.get(
                "/v1/documents/applications/\(receipt)/applicant?purpose=verifikasi", token: env.token(.documentsWriter))
            #expect(seen.status == .ok)
            #expect(seen.headers[.cacheControl] == "no-store")
            let record = try seen.object()
            #expect(record.string("nik") == Self.nik && record.string("name") == "Baiq Nurul Aini")
            #expect(record.string("phone") == "+62 812-3456-7890" && record.string("email") == "baiq@example.id")
            let subject = try #require(record.string("subject"))
            // The public lookup holds no personal field and no pseudonym.
            let lookup = try await client.get("/v1/documents/applications/\(receipt)?pin=\(pin)").text
            for clear in [Self.nik, "Baiq", "3456", subject] { #expect(!lookup.contains(clear)) }
            // The log holds the read, by pseudonym and key id.
            let log = try await client.get("/v1/privacy/access-log", token: env.token(.privacyOfficer)).object()
            let entries = log.objects("entries")
            #expect(entries.count == 1)
            #expect(entries.first?.string("subject") == subject && entries.first?.string("purpose") == "verifikasi")
            let keyId = try #require(env.services.keys.authenticate(env.token(.documentsWriter))?.keyId)
            #expect(entries.first?.string("actorKeyId") == keyId)
            // Auditors and other writers may not read the applicant.
            expectProblem(
                try await client.get("/v1/documents/applications/\(receipt)/applicant", token: env.token(.auditor)), .forbidden)
            expectProblem(
                try await client.get("/v1/documents/applications/MTR-0000000000/applicant", token: env.token(.documentsWriter)),
                .notFound)
        }
    }

    @Test("forget: 400 for a bad body, 404 for an unknown NIK, then erased everywhere; nothing else in the log changes")
    func forget() async throws {
        try await withRouter { env, client in
            let token = env.token(.privacyOfficer)
            let r = try await client.command("/v1/documents/applications", token: env.token(.documentsWriter), body: Self.application)
            let receipt = try #require(r.string("receiptNumber"))
            let pin = try #require(r.string("pin"))
            let head = try env.head()
            expectProblem(try await client.post("/v1/privacy/forget", token: token, body: #"{"nik":"123"}"#), .badRequest, field: "nik")
            expectProblem(try await client.post("/v1/privacy/forget", token: token, body: #"{}"#), .badRequest, field: "nik")
            expectProblem(
                try await client.post("/v1/privacy/forget", token: token, body: #"{"nik":"\#(Self.nik)","x":"y"}"#), .badRequest, field: "x"
            )
            expectProblem(
                try await client.post("/v1/privacy/forget", token: token, body: #"{"subject":"Baiq"}"#), .badRequest, field: "subject")
            expectProblem(
                try await client.post("/v1/privacy/forget", token: token, body: #"{"nik":"5271010101900009"}"#), .notFound, field: "nik")
            expectProblem(
                try await client.post("/v1/privacy/forget", token: token, body: #"{"subject":"subj-000000000000000000000000"}"#),
                .notFound, field: "subject")
            #expect(try env.head() == head)

            let forgot = try await client.post("/v1/privacy/forget", token: token, body: #"{"nik":"\#(Self.nik)"}"#)
            #expect(forgot.status == .ok)
            let answer = try forgot.object()
            let subject = try #require(answer.string("subject"))
            #expect(answer.uint("position") == head + 1)
            let event = try #require(try env.services.store.event(at: head + 1))
            #expect(event.type == "privacy.subject-forgotten" && event.stream == "privacy-\(subject)")
            #expect(!String(decoding: event.data, as: UTF8.self).contains(Self.nik))
            // Again by pseudonym: nothing more is written.
            let again = try await client.post("/v1/privacy/forget", token: token, body: #"{"subject":"\#(subject)"}"#)
            let againAnswer = try again.object()
            #expect(again.status == .ok && againAnswer["position"] is NSNull)
            #expect(try env.head() == head + 1)

            let erased = try await client.get("/v1/documents/applications/\(receipt)/applicant", token: env.token(.documentsWriter))
            let record = try erased.object()
            #expect(record["erased"] as? Bool == true)
            for field in ["nik", "name", "phone", "email"] { #expect(record.string(field) == "[dihapus]") }
            #expect(try await client.get("/v1/documents/applications/\(receipt)?pin=\(pin)").status == .ok)
            let export = try await client.post("/v1/privacy/export", token: token, body: #"{"subject":"\#(subject)"}"#).object()
            #expect(export["forgotten"] as? Bool == true)
            // An erased read is not recorded as an access.
            #expect(try await client.get("/v1/privacy/access-log", token: token).object().objects("entries").isEmpty)
            #expect(try env.services.store.verify().ok)
        }
    }

    @Test("an officer finds a person's applications by NIK (in the body); the search is recorded")
    func searchByNIK() async throws {
        try await withRouter { env, client in
            let token = env.token(.documentsWriter)
            let first = try await client.command("/v1/documents/applications", token: token, body: Self.application)
            let second = try await client.command("/v1/documents/applications", token: token, body: Self.application)
            let found = try await client.post("/v1/documents/search", token: token, body: #"{"nik":"\#(Self.nik)"}"#)
            #expect(found.status == .ok)
            let receipts = try found.object().objects("applications").compactMap { $0.string("receiptNumber") }
            #expect(Set(receipts) == Set([first.string("receiptNumber"), second.string("receiptNumber")].compactMap { $0 }))
            #expect(!found.text.contains("Baiq"))
            let none = try await client.post("/v1/documents/search", token: token, body: #"{"nik":"5271010101900009"}"#)
            #expect(try none.object().objects("applications").isEmpty)
            expectProblem(
                try await client.post("/v1/documents/search", token: token, body: #"{"nik":"52710101"}"#), .badRequest,
                field: "nik")
            expectProblem(
                try await client.post("/v1/documents/search", token: env.token(.auditor), body: #"{"nik":"\#(Self.nik)"}"#),
                .forbidden)
            let log = try await client.get("/v1/privacy/access-log", token: env.token(.privacyOfficer)).object()
            #expect(log.objects("entries").map { $0.string("purpose") ?? "" } == ["search"])
        }
    }

    @Test("a reason holding a NIK or a phone number: 400 naming the field, nothing written")
    func freeText() async throws {
        try await withRouter { env, client in
            let r = try await client.command("/v1/documents/applications", token: env.token(.documentsWriter), body: Self.application)
            let receipt = try #require(r.string("receiptNumber"))
            let head = try env.head()
            for reason in ["NIK 5271010101900001 a.n. Baiq", "HP 0812 3456 7890"] {
                expectProblem(
                    try await client.post(
                        "/v1/documents/applications/\(receipt)/status", token: env.token(.documentsWriter),
                        body: #"{"to":"rejected","reason":"\#(reason)","officer":"petugas-1"}"#), .badRequest, field: "reason")
            }
            #expect(try env.head() == head)
        }
    }

    @Test("opening a data directory applies again every forgotten subject of its log")
    func reappliedOnOpen() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lumbung-qs-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var services: LumbungServices? = try LumbungServices(dataDirectory: directory)
        let subject = try #require(services).vault.subjectCreating(.nik, Self.nik)
        // As a replica or a crash between the event and the vault would leave it: the event, the key still there.
        let event = try ProposedEvent(stream: "privacy-\(subject)", type: PrivacyOffice.forgottenType, value: ["subject": .string(subject)])
        _ = try await try #require(services).store.append(AppendRequest.system(events: [event], actor: "test"))
        #expect(try #require(services).vault.hasKey(subject))
        services?.close()
        services = nil
        let reopened = try LumbungServices(dataDirectory: directory)
        defer { reopened.close() }
        #expect(try !reopened.vault.hasKey(subject))
        #expect(try reopened.vault.subject(.nik, Self.nik) == nil)
    }
}
