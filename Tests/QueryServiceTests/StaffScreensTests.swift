import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSON
import NIOCore
import Testing

@testable import LumbungCore
@testable import QueryService

/// A browser without script over the router: keeps the session cookie, reads the hidden fields of
/// the page it was shown, and sends forms as `application/x-www-form-urlencoded`.
struct StaffBrowser {
    let client: any TestClientProtocol
    var cookie: String?

    func get(_ uri: String) async throws -> TestResponse {
        var h = HTTPFields()
        h[.accept] = "text/html"
        if let cookie { h[.cookie] = cookie }
        return try await client.executeRequest(uri: uri, method: .get, headers: h, body: nil)
    }

    func post(_ uri: String, _ fields: [(String, String)], origin: String? = nil) async throws -> TestResponse {
        var h = HTTPFields()
        h[.contentType] = "application/x-www-form-urlencoded"
        if let cookie { h[.cookie] = cookie }
        if let origin { h[.origin] = origin }
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await client.executeRequest(uri: uri, method: .post, headers: h, body: ByteBuffer(string: body))
    }

    /// Sends a form with a file as `multipart/form-data` (RFC 7578), written here by hand.
    func postMultipart(_ uri: String, _ fields: [(String, String)], file: (name: String, filename: String, content: String))
        async throws -> TestResponse
    {
        let boundary = "----lumbung-test-\(UUID().uuidString)"
        var body = ""
        for (name, value) in fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body +=
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\n"
            + "Content-Type: text/csv\r\n\r\n\(file.content)\r\n--\(boundary)--\r\n"
        var h = HTTPFields()
        h[.contentType] = "multipart/form-data; boundary=\(boundary)"
        if let cookie { h[.cookie] = cookie }
        return try await client.executeRequest(uri: uri, method: .post, headers: h, body: ByteBuffer(string: body))
    }

    /// Signs in with `token`; the session cookie is kept.
    mutating func signIn(_ token: String) async throws {
        let r = try await post("/petugas/masuk", [("kunci", token)])
        #expect(r.status == .seeOther, "\(r.text.prefix(300))")
        let setCookie = try #require(r.headers[.setCookie])
        cookie = String(setCookie.split(separator: ";")[0])
    }

    /// The value of the hidden field `name` in the form posting to `action` on `page`.
    static func hidden(_ name: String, in page: String, form action: String) throws -> String {
        let start = try #require(page.range(of: "action=\"\(action)\""), "no form to \(action)")
        let rest = page[start.upperBound...]
        let form = rest[..<(rest.range(of: "</form>")?.lowerBound ?? rest.endIndex)]
        let marker = "name=\"\(name)\" value=\""
        let at = try #require(form.range(of: marker), "no \(name) in the form to \(action)")
        return String(form[at.upperBound...].prefix { $0 != "\"" })
    }

    static func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? s
    }
}

@Suite("Staff screens: sign-in, sessions, CSRF, officer's queue and forms")
struct StaffScreensTests {
    static let application = #"""
        {"documentType":"ktp-el","office":"dukcapil-mataram","channel":"counter",
         "applicant":{"nik":"5271010101900001","name":"Baiq Nurul Aini","phone":"+62 812-3456-7890"}}
        """#

    @Test("sign-in: a wrong key is 401 with no cookie; a right one a HttpOnly SameSite=Strict session; pages need it")
    func signIn() async throws {
        try await withRouter { env, client in
            var browser = StaffBrowser(client: client)
            let away = try await browser.get("/petugas/dokumen?kantor=mpp-mataram")
            #expect(away.status == .unauthorized)
            #expect(away.text.contains("Masuk petugas"))
            #expect(away.text.contains(#"name="lanjut" value="/petugas/dokumen?kantor=mpp-mataram""#))
            let wrong = try await browser.post("/petugas/masuk", [("kunci", "lmb_nope_" + String(repeating: "0", count: 64))])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers[.setCookie] == nil)
            #expect(wrong.text.contains("Kunci tidak dikenal"))

            let r = try await browser.post("/petugas/masuk", [("kunci", env.token(.documentsWriter)), ("lanjut", "//evil.example/x")])
            #expect(r.status == .seeOther)
            #expect(r.headers[.location] == "/petugas", "an address off the staff pages is never followed")
            let cookie = try #require(r.headers[.setCookie])
            for flag in ["HttpOnly", "SameSite=Strict", "Path=/petugas"] { #expect(cookie.contains(flag), "\(cookie)") }
            browser.cookie = String(cookie.split(separator: ";")[0])
            let home = try await browser.get("/petugas")
            #expect(home.status == .ok)
            #expect(home.headers[.cacheControl] == "no-store")
            #expect(home.text.contains("Antrean permohonan dokumen"))
            #expect(home.text.contains(#"<ul class="cards"><li><a class="card" href="/petugas/dokumen">"#), "links are markup, not text")

            // Signing out ends the session: the cookie no longer opens a page.
            let csrf = try StaffBrowser.hidden("csrf", in: home.text, form: "/petugas/keluar")
            #expect(try await browser.post("/petugas/keluar", [("csrf", csrf)]).status == .seeOther)
            #expect(try await browser.get("/petugas").status == .unauthorized)
        }
    }

    @Test("a revoked key's session ends; a key of another role is 403 on the officer's screens")
    func revokedAndRoles() async throws {
        try await withRouter { env, client in
            let made = try await env.services.keys.create(role: .documentsWriter, name: "loket-1", actor: "test")
            var browser = StaffBrowser(client: client)
            try await browser.signIn(made.token)
            #expect(try await browser.get("/petugas/dokumen?kantor=dukcapil-mataram").status == .ok)
            try await env.services.keys.revoke(keyId: made.key.keyId, reason: "hilang", actor: "test")
            #expect(try await browser.get("/petugas/dokumen?kantor=dukcapil-mataram").status == .unauthorized)

            var prices = StaffBrowser(client: client)
            try await prices.signIn(env.token(.pricesWriter))
            #expect(try await prices.get("/petugas/dokumen").status == .forbidden)
        }
    }

    @Test("the officer moves an application: reason codes checked, a resent form writes once, CSRF and Origin refused")
    func officerFlow() async throws {
        try await withRouter { env, client in
            let submitted = try await client.command(
                "/v1/documents/applications", token: env.token(.documentsWriter), body: Self.application)
            let receipt = try #require(submitted.string("receiptNumber"))
            var browser = StaffBrowser(client: client)
            try await browser.signIn(env.token(.documentsWriter))

            let queue = try await browser.get("/petugas/dokumen?kantor=dukcapil-mataram")
            #expect(queue.status == .ok)
            #expect(queue.text.contains(receipt))
            #expect(!queue.text.contains("Baiq"), "the queue shows no personal data")

            let path = "/petugas/dokumen/\(receipt)"
            var page = try await browser.get(path).text
            let action = "\(path)/status"
            func form(_ fields: [(String, String)], page: String) throws -> [(String, String)] {
                [
                    ("csrf", try StaffBrowser.hidden("csrf", in: page, form: action)),
                    ("eventId", try StaffBrowser.hidden("eventId", in: page, form: action)),
                ] + fields
            }
            var head = try env.head()
            // Refusals: nothing written, the page again with the reason.
            let noCode = try await browser.post(action, try form([("ke", "revision-requested")], page: page))
            #expect(noCode.status == .unprocessableContent)
            #expect(noCode.text.contains("Tidak dicatat"))
            let unknown = try await browser.post(action, try form([("ke", "rejected"), ("kode", "malas")], page: page))
            #expect(unknown.status == .badRequest)
            let badCSRF = try await browser.post(
                action, [("csrf", String(repeating: "0", count: 64)), ("eventId", UUID().uuidString), ("ke", "verified")])
            #expect(badCSRF.status == .forbidden)
            let foreign = try await browser.post(action, try form([("ke", "verified")], page: page), origin: "https://evil.example")
            #expect(foreign.status == .forbidden)
            #expect(try env.head() == head)

            // A revision with its code; the same form sent again is written once.
            let revision = try form(
                [("ke", "revision-requested"), ("kode", "dokumen-tidak-terbaca"), ("keterangan", "KK buram")], page: page)
            let done = try await browser.post(action, revision)
            #expect(done.status == .ok, "\(done.text.prefix(500))")
            #expect(done.text.contains("Dokumen tidak terbaca"))
            #expect(try env.head() == head + 1)
            head += 1
            let again = try await browser.post(action, revision)
            #expect(again.status == .ok)
            #expect(again.text.contains("sudah tercatat"))
            #expect(try env.head() == head)
            let events = try env.services.store.readStream("application-\(receipt)")
            let last = try #require(try events.last?.dataValue())
            #expect(last["reasonCode"] == "dokumen-tidak-terbaca")
            #expect(last["officer"]?.stringValue?.hasPrefix("key:") == true)

            // A new PIN: shown once; the old PIN stops working, the new one works.
            page = again.text
            let pinAction = "\(path)/pin"
            let reissued = try await browser.post(
                pinAction,
                [
                    ("csrf", try StaffBrowser.hidden("csrf", in: page, form: pinAction)),
                    ("eventId", try StaffBrowser.hidden("eventId", in: page, form: pinAction)),
                ])
            #expect(reissued.status == .ok)
            let marker = try #require(reissued.text.range(of: "<strong class=\"code\">"))
            let pin = String(reissued.text[marker.upperBound...].prefix { $0 != "<" })
            #expect(pin.count >= 6)
            #expect(try await client.get("/v1/documents/applications/\(receipt)?pin=\(submitted.string("pin")!)").status == .notFound)
            #expect(try await client.get("/v1/documents/applications/\(receipt)?pin=\(pin)").status == .ok)

            // The applicant's fields open on request only, and the opening is recorded.
            let before = try env.head()
            let open = try await browser.post(
                "\(path)/pemohon",
                [("csrf", try StaffBrowser.hidden("csrf", in: page, form: "\(path)/pemohon")), ("tujuan", "counter-service")])
            #expect(open.status == .ok)
            #expect(open.text.contains("Baiq Nurul Aini"))
            #expect(try env.head() == before + 1)
            #expect(!page.contains("Baiq"))
        }
    }

    @Test("the application's page says what the applicant was told and over which channel, never the address")
    func notificationsOnThePage() async throws {
        try await withRouter { env, client in
            let submitted = try await client.command(
                "/v1/documents/applications", token: env.token(.documentsWriter),
                body: #"""
                    {"documentType":"kk","office":"dukcapil-mataram","channel":"online",
                     "applicant":{"nik":"5271010101900003","email":"warga@example.id","phone":"0812-3456-7890","notify":["email","sms"]}}
                    """#)
            let receipt = try #require(submitted.string("receiptNumber"))
            var browser = StaffBrowser(client: client)
            try await browser.signIn(env.token(.documentsWriter))
            let page = try await browser.get("/petugas/dokumen/\(receipt)").text
            #expect(page.contains("<h2>Pemberitahuan</h2>"))
            #expect(page.contains("E-mail · Diajukan · menunggu dikirim"), "\(page)")
            #expect(page.contains("SMS/WhatsApp · Diajukan · menunggu dikirim"))
            #expect(
                !page.contains("warga@example.id") && !page.contains("0812-3456-7890") && !page.contains("6281234567890"),
                "no address on the page")

            // One who chose nothing: no section.
            let plain = try await client.command(
                "/v1/documents/applications", token: env.token(.documentsWriter), body: Self.application)
            let other = try await browser.get("/petugas/dokumen/\(try #require(plain.string("receiptNumber")))").text
            #expect(!other.contains("Pemberitahuan"))
        }
    }

    @Test("a key scoped to one office cannot see or move another office's application (403, nothing written)")
    func scope() async throws {
        try await withRouter { env, client in
            let submitted = try await client.command(
                "/v1/documents/applications", token: env.token(.documentsWriter), body: Self.application)
            let receipt = try #require(submitted.string("receiptNumber"))
            let scoped = try await env.services.keys.create(
                role: .documentsWriter, name: "loket-mpp", scope: ["mpp-mataram"], actor: "test")
            var browser = StaffBrowser(client: client)
            try await browser.signIn(scoped.token)
            let own = try await browser.get("/petugas/dokumen")
            #expect(own.status == .ok)
            #expect(own.text.contains("Mal Pelayanan Publik") || own.text.contains("mpp"), "its only office is shown at once")
            #expect(try await browser.get("/petugas/dokumen?kantor=dukcapil-mataram").status == .forbidden)
            #expect(try await browser.get("/petugas/dokumen/\(receipt)").status == .forbidden)
            let head = try env.head()
            let home = try await browser.get("/petugas")
            let csrf = try StaffBrowser.hidden("csrf", in: home.text, form: "/petugas/keluar")
            let r = try await browser.post(
                "/petugas/dokumen/\(receipt)/status", [("csrf", csrf), ("eventId", UUID().uuidString), ("ke", "verified")])
            #expect(r.status == .forbidden)
            #expect(try env.head() == head)
        }
    }

    @Test(
        "the session cookie is Secure on loopback and when a trusted proxy says the browser came over HTTPS; not over plain HTTP across a network"
    )
    func secureBehindAProxy() async throws {
        let proxies = try TrustedProxies(["127.0.0.1/32", "::1/128"])
        var https = HTTPFields()
        https[HTTPField.Name("X-Forwarded-Proto")!] = "https"
        #expect(proxies.forwardedHTTPS(peer: "127.0.0.1", headers: https))
        #expect(!proxies.forwardedHTTPS(peer: "203.0.113.9", headers: https), "an untrusted peer's word counts for nothing")
        #expect(!TrustedProxies.none.forwardedHTTPS(peer: "127.0.0.1", headers: https))
        var forwarded = HTTPFields()
        forwarded[HTTPField.Name("Forwarded")!] = #"for=198.51.100.7;proto=https"#
        #expect(proxies.forwardedHTTPS(peer: "127.0.0.1", headers: forwarded))
        forwarded[HTTPField.Name("Forwarded")!] = "for=198.51.100.7;proto=http"
        #expect(!proxies.forwardedHTTPS(peer: "127.0.0.1", headers: forwarded))

        for host in ["localhost", "localhost:8080", "127.0.0.1:8080", "127.0.0.2", "[::1]:8080", "posko.localhost"] {
            #expect(StaffScreens.loopbackHost(host), "\(host)")
        }
        for host in ["192.168.1.10:8080", "posko.lan", "[2001:db8::1]:8080", "localhost.example.org", "10.127.0.1"] {
            #expect(!StaffScreens.loopbackHost(host), "\(host)")
        }
        #expect(!StaffScreens.loopbackHost(nil))

        try await withEnv { env in
            let app = Application(router: buildRouter(env.services, trustedProxies: proxies))
            try await app.test(.live) { client in
                let body = ByteBuffer(string: "kunci=" + StaffBrowser.encode(env.token(.documentsWriter)))
                var headers = HTTPFields()
                headers[.contentType] = "application/x-www-form-urlencoded"
                // The live client reaches the server on loopback: a browser keeps a Secure cookie there.
                let plain = try await client.executeRequest(uri: "/petugas/masuk", method: .post, headers: headers, body: body)
                #expect(plain.headers[.setCookie]?.hasSuffix("; Secure") == true, "\(plain.headers)")
                headers[HTTPField.Name("X-Forwarded-Proto")!] = "https"
                let behind = try await client.executeRequest(uri: "/petugas/masuk", method: .post, headers: headers, body: body)
                #expect(behind.headers[.setCookie]?.hasSuffix("; Secure") == true, "\(behind.headers)")
            }
        }
    }
}
