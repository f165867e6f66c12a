import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import LumbungCore
@testable import QueryService

@Suite("Routes: document tracking (cek resi)")
struct DocumentsRoutesTests {
    /// Submits an application; returns its receipt number and PIN.
    static func submit(_ client: any TestClientProtocol, _ env: TestEnv) async throws -> (receipt: String, pin: String, position: UInt64) {
        let r = try await client.command("/v1/documents/applications", token: env.token(.documentsWriter), body: Fx.application)
        return (try #require(r.string("receiptNumber")), try #require(r.string("pin")), try #require(r.uint("position")))
    }

    @Test("submit answers the receipt number and the PIN once; the lookup shows status and timeline")
    func submitAndLookup() async throws {
        try await withRouter { env, client in
            let r = try await client.post("/v1/documents/applications", token: env.token(.documentsWriter), body: Fx.application)
            #expect(r.status == .created)
            let answer = try r.object()
            #expect(Set(answer.keys) == ["receiptNumber", "pin", "position", "events"])
            let receipt = try #require(answer.string("receiptNumber"))
            let pin = try #require(answer.string("pin"))
            #expect(receipt.wholeMatch(of: /MTR-[0-9A-HJKMNP-TV-Z]{10}/) != nil)
            #expect(pin.wholeMatch(of: /[0-9A-HJKMNP-TV-Z]{8}/) != nil)
            // The NIK and the PIN are nowhere in the log.
            let log = try await client.get("/v1/export", token: env.token(.auditor)).text
            #expect(!log.contains("5271010101800001"))
            #expect(!log.contains(#""pin":"\#(pin)""#))

            let changed = try await client.command(
                "/v1/documents/applications/\(receipt)/status", token: env.token(.documentsWriter),
                body: #"{"to":"verified","officer":"petugas-7"}"#)
            #expect(changed.string("receiptNumber") == receipt)
            let position = try #require(changed.uint("position"))

            let found = try await client.get("/v1/documents/applications/\(receipt)?pin=\(pin)&minPosition=\(position)")
            #expect(found.status == .ok)
            let app = try found.object()
            #expect(app.string("status") == "verified")
            #expect(app.objects("timeline").map { $0.string("status") ?? "" } == ["submitted", "verified"])
            #expect(app["applicant"] == nil && app["nikHash"] == nil && app["officer"] == nil)
            // As a resident may type it: lower case, without the hyphen.
            let typed = receipt.lowercased().replacingOccurrences(of: "mtr-", with: "mtr")
            #expect(try await client.get("/v1/documents/applications/\(typed)?pin=\(pin)").status == .ok)
        }
    }

    @Test("the lookup: the same 404 for a wrong PIN and an unknown receipt; 400 without a PIN")
    func lookupErrors() async throws {
        try await withRouter { env, client in
            let (receipt, pin, _) = try await Self.submit(client, env)
            let wrong = pin == "000000" ? "111111" : "000000"
            let a = try await client.get("/v1/documents/applications/\(receipt)?pin=\(wrong)")
            let b = try await client.get("/v1/documents/applications/MTR-0000000000?pin=\(pin)")
            let c = try await client.get("/v1/documents/applications/not-a-receipt?pin=\(pin)")
            for r in [a, b, c] { expectProblem(r, .notFound) }
            #expect(try a.object().string("detail") == (try b.object().string("detail")))
            expectProblem(try await client.get("/v1/documents/applications/\(receipt)"), .badRequest, field: "pin")
            expectProblem(try await client.get("/v1/documents/applications/\(receipt)?pin="), .badRequest, field: "pin")
        }
    }

    @Test("the lookup is rate-limited per client: after the burst, 429 with Retry-After")
    func lookupRateLimit() async throws {
        try await withRouter { env, client in
            let (receipt, pin, _) = try await Self.submit(client, env)
            // The bucket holds 10: the first 10 lookups pass; it refills at 1 per second, so a
            // 429 comes within the next few (however slow this machine is, 100 are far more).
            var statuses: [HTTPResponse.Status] = []
            var limited: TestResponse? = nil
            for _ in 0..<100 {
                let r = try await client.get("/v1/documents/applications/\(receipt)?pin=\(pin)")
                statuses.append(r.status)
                if r.status == .tooManyRequests {
                    limited = r
                    break
                }
            }
            #expect(statuses.prefix(10).allSatisfy { $0 == .ok })
            let r = try #require(limited)
            expectProblem(r, .tooManyRequests)
            #expect(Int(r.headers[.retryAfter] ?? "") ?? 0 >= 1)
        }
    }

    @Test(
        "submit refuses bad bodies with 400 naming the field; nothing written",
        arguments: [
            (#"{"documentType":"ktp-el","office":"dukcapil-mataram","channel":"counter","applicant":{"nik":"12345"}}"#, "applicant.nik"),
            (
                #"{"documentType":"ktp-el","office":"dukcapil-mataram","channel":"counter","applicant":{"nik":"527101010180000X"}}"#,
                "applicant.nik"
            ),
            (
                #"{"documentType":"sim","office":"dukcapil-mataram","channel":"counter","applicant":{"nik":"5271010101800001"}}"#,
                "documentType"
            ),
            (#"{"documentType":"ktp-el","office":"kantor-pos","channel":"counter","applicant":{"nik":"5271010101800001"}}"#, "office"),
            (#"{"documentType":"ktp-el","office":"dukcapil-mataram","channel":"fax","applicant":{"nik":"5271010101800001"}}"#, "channel"),
            (#"{"documentType":"ktp-el","office":"dukcapil-mataram","channel":"counter"}"#, "applicant"),
            (
                #"{"documentType":"ktp-el","office":"dukcapil-mataram","channel":"counter","applicant":{"nik":"5271010101800001"},"pin":"123456"}"#,
                "pin"
            ),
            (
                #"{"documentType":"ktp-el","office":"dukcapil-mataram","channel":"counter","applicant":{"nik":"5271010101800001","nama":"X"}}"#,
                "applicant.nama"
            ),
            (
                #"{"documentType":"ktp-el","office":"dukcapil-mataram","channel":"counter","applicant":{"nik":"5271010101800001"},"submittedAt":"2999-01-01T00:00:00Z"}"#,
                "submittedAt"
            ),
        ])
    func submitBadInput(_ body: String, _ field: String) async throws {
        try await withRouter { env, client in
            let head = try env.head()
            expectProblem(
                try await client.post("/v1/documents/applications", token: env.token(.documentsWriter), body: body), .badRequest,
                field: field)
            #expect(try env.head() == head)
        }
    }

    @Test("status changes: 400 for bad input, 404 for an unknown receipt, 422 for what the lifecycle forbids")
    func statusErrors() async throws {
        try await withRouter { env, client in
            let (receipt, _, _) = try await Self.submit(client, env)
            let token = env.token(.documentsWriter)
            let head = try env.head()
            let uri = "/v1/documents/applications/\(receipt)/status"
            expectProblem(try await client.post(uri, token: token, body: #"{"to":"lost","officer":"p"}"#), .badRequest, field: "to")
            expectProblem(try await client.post(uri, token: token, body: #"{"to":"verified"}"#), .badRequest, field: "officer")
            expectProblem(
                try await client.post(uri, token: token, body: #"{"to":"verified","officer":"p","stamp":1}"#), .badRequest, field: "stamp")
            // A receipt number that is not one, or that no application has: 404 (as the lookup).
            expectProblem(
                try await client.post("/v1/documents/applications/XYZ/status", token: token, body: #"{"to":"verified","officer":"p"}"#),
                .notFound)
            expectProblem(
                try await client.post(
                    "/v1/documents/applications/MTR-0000000000/status", token: token, body: #"{"to":"verified","officer":"p"}"#), .notFound)
            // What a resident typed is understood: lower case, without the hyphen, percent-encoded.
            let typed = receipt.lowercased().replacingOccurrences(of: "mtr-", with: "mtr%20")
            expectProblem(
                try await client.post("/v1/documents/applications/\(typed)/status", token: token, body: #"{"to":"lost","officer":"p"}"#),
                .badRequest, field: "to")
            expectProblem(
                try await client.post(uri, token: token, body: #"{"to":"ready","officer":"p"}"#), .unprocessableContent, field: "to")
            expectProblem(
                try await client.post(uri, token: token, body: #"{"to":"rejected","officer":"p"}"#), .unprocessableContent, field: "reason")
            expectProblem(
                try await client.post(uri, token: token, body: #"{"from":"verified","to":"in-process","officer":"p"}"#),
                .unprocessableContent, field: "from")
            // Reason codes: an unknown one is 400, one that does not explain the move is 422.
            expectProblem(
                try await client.post(uri, token: token, body: #"{"to":"rejected","reasonCode":"malas","officer":"p"}"#), .badRequest,
                field: "reasonCode")
            expectProblem(
                try await client.post(uri, token: token, body: #"{"to":"rejected","reasonCode":"diambil-kuasa","officer":"p"}"#),
                .unprocessableContent, field: "reasonCode")
            #expect(try env.head() == head)
            let rejected = try await client.command(
                uri, token: token, body: #"{"to":"rejected","reasonCode":"permohonan-ganda","officer":"p"}"#)
            #expect(rejected.uint("position") != nil)
        }
    }

    @Test("the queue: a summary of every office, or one office's queue; for officers and auditors")
    func queue() async throws {
        try await withRouter { env, client in
            let (receipt, _, position) = try await Self.submit(client, env)
            for role in [Role.documentsWriter, .auditor, .admin] {
                let summary = try await client.get("/v1/documents/queue?minPosition=\(position)", token: env.token(role))
                #expect(summary.status == .ok)
                let offices = try summary.object().objects("offices")
                #expect(offices.count == 8)
                #expect(offices.first { $0.string("office") == "dukcapil-mataram" }?.int("open") == 1)
            }
            let one = try await client.get(
                "/v1/documents/queue?office=dukcapil-mataram&asOf=2030-01-01T00:00:00Z&limit=5", token: env.token(.auditor)
            ).object()
            #expect(one.string("office") == "dukcapil-mataram")
            #expect(one.int("open") == 1)
            let submitted = one.objects("statuses").first { $0.string("status") == "submitted" }
            #expect(submitted?.objects("applications").first?.string("receiptNumber") == receipt)
            #expect(submitted?.objects("applications").first?["overSLA"] as? Bool == true)

            expectProblem(try await client.get("/v1/documents/queue?office=kantor-pos", token: env.token(.auditor)), .notFound)
            expectProblem(
                try await client.get("/v1/documents/queue?office=dukcapil-mataram&limit=0", token: env.token(.auditor)), .badRequest,
                field: "limit")
            expectProblem(
                try await client.get("/v1/documents/queue?office=dukcapil-mataram&asOf=besok", token: env.token(.auditor)), .badRequest,
                field: "asOf")
            // The parameters are checked with or without an office.
            expectProblem(try await client.get("/v1/documents/queue?limit=5001", token: env.token(.auditor)), .badRequest, field: "limit")
            expectProblem(try await client.get("/v1/documents/queue?asOf=x", token: env.token(.auditor)), .badRequest, field: "asOf")
            expectProblem(try await client.get("/v1/documents/queue"), .unauthorized)
            expectProblem(try await client.get("/v1/documents/queue", token: env.token(.pricesWriter)), .forbidden)
        }
    }

    @Test("processing times: every document type, public")
    func processing() async throws {
        try await withRouter { env, client in
            let (receipt, _, _) = try await Self.submit(client, env)
            var last: UInt64 = 0
            for to in ["verified", "in-process", "signed", "ready"] {
                last = try #require(
                    try await client.command(
                        "/v1/documents/applications/\(receipt)/status", token: env.token(.documentsWriter),
                        body: #"{"to":"\#(to)","officer":"p"}"#
                    ).uint("position"))
            }
            let r = try await client.get("/v1/documents/processing?minPosition=\(last)")
            #expect(r.status == .ok)
            let types = try r.object().objects("types")
            #expect(
                types.map { $0.string("documentType") ?? "" } == ["ktp-el", "kk", "akta-kelahiran", "akta-kematian", "kia", "surat-pindah"])
            let ktp = try #require(types.first)
            #expect(ktp.int("count") == 1)
            #expect(ktp["medianDays"] is NSNumber)
            #expect(types[1]["medianDays"] == nil)
            expectProblem(try await client.get("/v1/documents/processing?minPosition=abc"), .badRequest, field: "minPosition")
        }
    }
}

@Suite("Routes: the estimated ready date")
struct ReadyDateRoutesTests {
    @Test("a waiting application's lookup and portal page show when it should be ready; a finished one does not")
    func estimate() async throws {
        try await withRouter { env, client in
            let (receipt, pin, position) = try await DocumentsRoutesTests.submit(client, env)
            let r = try await client.get("/v1/documents/applications/\(receipt)?pin=\(pin)&minPosition=\(position)")
            let estimate = try #require(try r.object()["estimate"] as? [String: Any])
            #expect(estimate["basis"] as? String == "sla")
            #expect((estimate["earliest"] as? String)?.count == 10)
            let page = try await client.executeRequest(
                uri: "/cek-resi", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: .init(string: "resi=\(receipt)&pin=\(pin)"))
            let html = String(buffer: page.body)
            #expect(html.contains("Perkiraan siap") && html.contains("Target layanan"))

            let writer = env.token(.documentsWriter)
            for to in ["verified", "in-process", "signed", "ready"] {
                _ = try await client.command(
                    "/v1/documents/applications/\(receipt)/status", token: writer, body: #"{"to":"\#(to)","officer":"petugas-7"}"#)
            }
            let done = try await client.command(
                "/v1/documents/applications/\(receipt)/status", token: writer, body: #"{"to":"collected","officer":"petugas-7"}"#)
            let after = try await client.get(
                "/v1/documents/applications/\(receipt)?pin=\(pin)&minPosition=\(try #require(done.uint("position")))")
            #expect(try after.object()["estimate"] == nil)
        }
    }
}
