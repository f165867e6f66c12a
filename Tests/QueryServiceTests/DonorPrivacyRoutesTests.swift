import DocumentTracking
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSON
import TestSupport
import Testing

@testable import LumbungCore
@testable import PersonalData
@testable import QueryService

@Suite("Routes: individual donors sealed; privacy by donor id and KK; legacy applications migrated")
struct DonorPrivacyRoutesTests {
    static func donation(_ name: String, publicName: Bool? = nil, id: String? = nil) -> String {
        let extra = (publicName.map { #","publicName":\#($0)"# } ?? "") + (id.map { #","id":"\#($0)""# } ?? "")
        return
            #"{"incidentId":"gempa-uji","warehouseId":"gudang-bpbd","donor":{"name":"\#(name)","kind":"individual"\#(extra)},"items":[{"item":"beras","unit":"kg","quantity":5}]}"#
    }

    @Test(
        "a donor's name: refused in clear by a raw append, sealed by the command, Hamba Allah in public, exported and forgotten by donor id"
    )
    func donorPath() async throws {
        try await withRouter { env, client in
            try await AidSeed().apply(client, env)
            let writer = env.token(.aidWriter)
            let privacy = env.token(.privacyOfficer)
            // A raw append with the name in clear: 400 naming data.donor.name, nothing written.
            let head = try env.head()
            let raw = try await client.post(
                "/v1/streams/donation-DN-2018-RAW00001", token: env.token(.admin),
                body: Fx.rawEvent(
                    type: "aid.donation-received",
                    data:
                        #"{"incidentId":"gempa-uji","donationId":"DN-2018-RAW00001","warehouseId":"gudang-bpbd","donor":{"name":"Baiq Nurul Aini","kind":"individual"},"items":[{"item":"beras","unit":"kg","quantity":5}],"receivedAt":"2018-08-07T10:00:00+08:00"}"#
                ))
            expectProblem(raw, .badRequest, field: "data.donor.name")
            #expect(try env.head() == head)

            // Through the command: sealed, a donor id answered.
            let hidden = try await client.command("/v1/aid/donations", token: writer, body: Self.donation("Baiq Nurul Aini"))
            let hiddenId = try #require(hidden.object("ids")?.string("donorId") ?? hidden.string("donorId"), "\(hidden)")
            let named = try await client.command(
                "/v1/aid/donations", token: writer, body: Self.donation("Lalu Muhammad Zaini", publicName: true))
            let namedId = try #require(named.object("ids")?.string("donorId") ?? named.string("donorId"), "\(named)")
            try env.services.vault.checkpoint()
            for clear in ["Baiq Nurul", "Lalu Muhammad"] { #expect(DataDirectoryFiles.holding(clear, under: env.directory) == []) }

            // In public: the one who did not agree is Hamba Allah, the other by name.
            let page = try await client.get("/bantuan-bencana/donatur").text
            #expect(page.contains("Hamba Allah") && page.contains("Lalu Muhammad Zaini") && !page.contains("Baiq"))
            let donors = try await client.get("/v1/aid/donors").text
            #expect(donors.contains("Lalu Muhammad Zaini") && !donors.contains("Baiq") && !donors.contains("subj-"))
            let hxl = try await client.get("/v1/export?format=hxl", token: env.token(.auditor)).text
            #expect(hxl.contains("Lalu Muhammad Zaini") && hxl.contains("Hamba Allah") && !hxl.contains("Baiq"), "\(hxl.prefix(600))")

            // Export by donor id: the donations, the name opened.
            let export = try await client.post("/v1/privacy/export", token: privacy, body: #"{"donorId":"\#(hiddenId)"}"#)
            #expect(export.status == .ok, "\(export.text)")
            let donations = try export.object().objects("donations")
            #expect(donations.count == 1 && donations.first?.string("name") == "Baiq Nurul Aini", "\(export.text)")

            // Forget the named donor: the public pages say [dihapus]; the donor id finds no one.
            let forgot = try await client.post("/v1/privacy/forget", token: privacy, body: #"{"donorId":"\#(namedId)"}"#)
            #expect(forgot.status == .ok, "\(forgot.text)")
            let after = try await client.get("/bantuan-bencana/donatur").text
            #expect(after.contains("[dihapus]") && !after.contains("Lalu Muhammad"))
            expectProblem(
                try await client.post("/v1/privacy/forget", token: privacy, body: #"{"donorId":"\#(namedId)"}"#), .notFound,
                field: "donorId")
            #expect(!(try await client.get("/v1/aid/donors").text.contains("Lalu Muhammad")))
            let hxlAfter = try await client.get("/v1/export?format=hxl", token: env.token(.auditor)).text
            #expect(hxlAfter.contains("[dihapus]") && !hxlAfter.contains("Lalu Muhammad"))
        }
    }

    @Test("a donor's blind index lost with the memory (a crash before the vault's checkpoint) is made again from the log")
    func donorIndexRecovered() async throws {
        try await withRouter { env, client in
            try await AidSeed().apply(client, env)
            let vault = env.services.vault
            // No checkpoint from now on: the new subject's index stays in memory only.
            vault.lock.withLock {
                vault.checkpointTimer?.cancel()
                vault.checkpointTimer = nil
            }
            let answer = try await client.command(
                "/v1/aid/donations", token: env.token(.aidWriter), body: Self.donation("Dewi Kartika Zulkarnaen"))
            let donorId = try #require(answer.string("donorId"))
            let subject = try #require(try vault.subject(.donor, donorId))
            vault.lock.withLock { vault.pending.removeAll() }
            #expect(try vault.subject(.donor, donorId) == nil)
            #expect(try PrivacyOffice.recoverIndexes(store: env.services.store, vault: vault) == 1)
            #expect(try vault.subject(.donor, donorId) == subject)
        }
    }

    @Test("a legacy subject's blind index lost before the vault's checkpoint is made again from the log")
    func legacyIndexRecovered() async throws {
        try await withRouter { env, client in
            let nik = "5271010101900099"
            let documents = env.services.domains.documents
            let receipt = ReceiptNumber.encode(555_001)
            let data =
                #"{"receiptNumber":"\#(receipt)","documentType":"ktp-el","office":"dukcapil-mataram","channel":"counter","applicant":{"nikHash":"\#(documents.nikHash(nik))"},"pinHash":"\#(String(repeating: "d", count: 64))","submittedAt":"2018-08-01T10:00:00+08:00"}"#
            let r = try await client.post(
                "/v1/streams/application-\(receipt)", token: env.token(.admin),
                body: Fx.rawEvent(type: DocumentEvents.applicationSubmitted, data: data))
            #expect(r.status == .created || r.status == .ok, "\(r.text)")
            let vault = env.services.vault
            try vault.checkpoint()
            let before = try vault.indexedThrough()
            let report = try await PrivacyOffice(env.services).migrate(actor: "test")
            let subject = try #require(try documents.subject(nik: nik))
            #expect(report.applicationsLinked == 1)
            // As if the checkpoint at the end of migrate had not happened: the index is gone, and
            // the vault covers only what it covered before.
            let index = vault.blindIndex(.legacyNikHash, documents.nikHash(nik))
            try vault.env.write { txn in
                _ = try vault.indexes.delete(index, in: txn)
                try vault.meta.put("indexed-through", before, in: txn)
            }
            #expect(try documents.subject(nik: nik) == nil)
            #expect(try PrivacyOffice.recoverIndexes(store: env.services.store, vault: vault) == 1)
            #expect(try documents.subject(nik: nik) == subject)
        }
    }

    @Test("kk: 16 digits, and finds no subject yet (404 naming kk); exactly one identifier")
    func kk() async throws {
        try await withRouter { env, client in
            let privacy = env.token(.privacyOfficer)
            let head = try env.head()
            for path in ["/v1/privacy/forget", "/v1/privacy/export"] {
                let none = try await client.post(path, token: privacy, body: #"{"kk":"5271010101900001"}"#)
                expectProblem(none, .notFound, field: "kk")
                #expect(none.text.contains("no subject is held for this KK"))
                expectProblem(try await client.post(path, token: privacy, body: #"{"kk":"52710101"}"#), .badRequest, field: "kk")
                expectProblem(
                    try await client.post(path, token: privacy, body: #"{"kk":"5271010101900001","donorId":"DR-1"}"#), .badRequest)
                expectProblem(try await client.post(path, token: privacy, body: #"{"donorId":"DR 1"}"#), .badRequest, field: "donorId")
            }
            #expect(try env.head() == head)
        }
    }

    @Test("migrate: nikHash-only applications linked to a subject; NIK search, export and forget reach them; twice links nothing")
    func migrate() async throws {
        try await withRouter { env, client in
            let nik = "5271010101900077"
            let documents = env.services.domains.documents
            // Two applications as written before the vault: the NIK's keyed hash only.
            var receipts: [String] = []
            for (i, receipt) in [ReceiptNumber.encode(777_001), ReceiptNumber.encode(777_002)].enumerated() {
                let data =
                    #"{"receiptNumber":"\#(receipt)","documentType":"ktp-el","office":"dukcapil-mataram","channel":"counter","applicant":{"nikHash":"\#(documents.nikHash(nik))"},"pinHash":"\#(String(repeating: "a", count: 64))","submittedAt":"2018-08-0\#(i + 1)T10:00:00+08:00"}"#
                let r = try await client.post(
                    "/v1/streams/application-\(receipt)", token: env.token(.admin),
                    body: Fx.rawEvent(type: DocumentEvents.applicationSubmitted, data: data))
                #expect(r.status == .created || r.status == .ok, "\(r.text)")
                receipts.append(receipt)
            }
            let officer = env.token(.documentsWriter)
            let privacy = env.token(.privacyOfficer)
            // Before: the NIK finds nothing.
            expectProblem(try await client.post("/v1/privacy/export", token: privacy, body: #"{"nik":"\#(nik)"}"#), .notFound, field: "nik")

            let office = PrivacyOffice(env.services)
            let report = try await office.migrate(actor: "test")
            #expect(report.legacyApplications == 2 && report.people == 1 && report.applicationsLinked == 2 && report.subjectsLinked == 1)
            let again = try await office.migrate(actor: "test")
            #expect(again.applicationsLinked == 0 && again.alreadyLinked == 2 && again.position == nil)
            // The link event names the subject and receipts, never the hash.
            let linkPosition = try #require(report.position)
            let link = try #require(try env.services.store.event(at: linkPosition))
            #expect(
                link.type == DocumentEvents.legacySubjectLinked
                    && !String(decoding: link.data, as: UTF8.self).contains(documents.nikHash(nik)))

            let export = try await client.post("/v1/privacy/export", token: privacy, body: #"{"nik":"\#(nik)"}"#)
            #expect(export.status == .ok, "\(export.text)")
            let exported = try export.object()
            let subject = try #require(exported.string("subject"))
            #expect(exported.objects("legacyApplications").compactMap { $0.string("receiptNumber") } == receipts, "\(export.text)")
            try await Task.sleep(for: .milliseconds(200))
            let search = try await client.post("/v1/documents/search", token: officer, body: #"{"nik":"\#(nik)"}"#).object()
            #expect(search.objects("applications").compactMap { $0.string("receiptNumber") } == receipts, "\(search)")

            // A new application of the same NIK goes to the same subject.
            let fresh = try await client.command(
                "/v1/documents/applications", token: officer,
                body:
                    #"{"documentType":"kk","office":"dukcapil-mataram","channel":"counter","applicant":{"nik":"\#(nik)","name":"Baiq Nurul Aini"}}"#
            )
            let freshReceipt = try #require(fresh.string("receiptNumber"))
            let seen = try await client.get("/v1/documents/applications/\(freshReceipt)/applicant", token: officer).object()
            #expect(seen.string("subject") == subject)

            // Forgotten: the NIK finds nothing any more, the old applications stay (public records).
            let forgot = try await client.post("/v1/privacy/forget", token: privacy, body: #"{"nik":"\#(nik)"}"#)
            let forgotSubject = try forgot.object().string("subject")
            #expect(forgot.status == .ok && forgotSubject == subject, "\(forgot.text)")
            expectProblem(try await client.post("/v1/privacy/export", token: privacy, body: #"{"nik":"\#(nik)"}"#), .notFound, field: "nik")
            let third = try await office.migrate(actor: "test")
            #expect(third.applicationsLinked == 0 && third.forgotten == 1)
        }
    }

    @Test("the retention sweep counts the applications linked by migrate: a legacy subject whose applications are all final is due")
    func sweepSeesLegacySubjects() async throws {
        try await withRouter { env, client in
            let documents = env.services.domains.documents
            let admin = env.token(.admin)
            func legacy(_ receipt: String, nik: String, rejected: Bool) async throws {
                let data =
                    #"{"receiptNumber":"\#(receipt)","documentType":"ktp-el","office":"dukcapil-mataram","channel":"counter","applicant":{"nikHash":"\#(documents.nikHash(nik))"},"pinHash":"\#(String(repeating: "c", count: 64))","submittedAt":"2018-08-01T10:00:00+08:00"}"#
                let r = try await client.post(
                    "/v1/streams/application-\(receipt)", token: admin,
                    body: Fx.rawEvent(type: DocumentEvents.applicationSubmitted, data: data))
                #expect(r.status == .created || r.status == .ok, "\(r.text)")
                guard rejected else { return }
                let change =
                    #"{"receiptNumber":"\#(receipt)","from":"submitted","to":"rejected","reasonCode":"permohonan-ganda","reason":"Permohonan ganda","officer":"petugas-01","changedAt":"2018-08-02T10:00:00+08:00"}"#
                let c = try await client.post(
                    "/v1/streams/application-\(receipt)", token: admin, body: Fx.rawEvent(type: DocumentEvents.statusChanged, data: change))
                #expect(c.status == .created || c.status == .ok, "\(c.text)")
            }
            let done = [ReceiptNumber.encode(999_001), ReceiptNumber.encode(999_002)]
            for receipt in done { try await legacy(receipt, nik: "5271010101900011", rejected: true) }
            try await legacy(ReceiptNumber.encode(999_003), nik: "5271010101900022", rejected: false)
            let office = PrivacyOffice(env.services)
            _ = try await office.migrate(actor: "test")
            let plan = try office.planSweep(RetentionPolicy(applications: try RetentionPeriod(parsing: "5y")), asOf: .now())
            #expect(plan.due.map(\.receipts) == [done] && plan.open == 1, "\(plan.due)")
            let subject = try #require(plan.due.first?.subject)
            #expect(try office.subject(nik: "5271010101900011", subject: nil) == subject)
        }
    }

    @Test("migrate: a person who applied since (sealed) keeps one subject for old and new applications")
    func migrateJoinsSealedSubject() async throws {
        try await withRouter { env, client in
            let nik = "5271010101900088"
            let officer = env.token(.documentsWriter)
            let privacy = env.token(.privacyOfficer)
            let fresh = try await client.command(
                "/v1/documents/applications", token: officer,
                body: #"{"documentType":"kk","office":"dukcapil-mataram","channel":"counter","applicant":{"nik":"\#(nik)"}}"#)
            let freshReceipt = try #require(fresh.string("receiptNumber"))
            let old = ReceiptNumber.encode(888_001)
            let data =
                #"{"receiptNumber":"\#(old)","documentType":"ktp-el","office":"dukcapil-mataram","channel":"counter","applicant":{"nikHash":"\#(env.services.domains.documents.nikHash(nik))"},"pinHash":"\#(String(repeating: "b", count: 64))","submittedAt":"2018-08-01T10:00:00+08:00"}"#
            let r = try await client.post(
                "/v1/streams/application-\(old)", token: env.token(.admin),
                body: Fx.rawEvent(type: DocumentEvents.applicationSubmitted, data: data))
            #expect(r.status == .created || r.status == .ok, "\(r.text)")
            let report = try await PrivacyOffice(env.services).migrate(actor: "test")
            #expect(report.applicationsLinked == 1 && report.subjectsLinked == 1)
            let export = try await client.post("/v1/privacy/export", token: privacy, body: #"{"nik":"\#(nik)"}"#).object()
            #expect(export.objects("applications").compactMap { $0.object("applicant")?.string("receiptNumber") } == [freshReceipt])
            #expect(export.objects("legacyApplications").compactMap { $0.string("receiptNumber") } == [old], "\(export)")
        }
    }
}
