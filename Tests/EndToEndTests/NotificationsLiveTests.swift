import Foundation
import JSON
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension PythonPeer {
    convenience init(_ script: String, scratch: Scratch, label: String, arguments: (Int, String) -> [String]) async throws {
        try await self.init(script, directory: scratch.file(label), arguments: arguments)
    }

    /// What it took so far, in order.
    var taken: [JSONValue] { records.compactMap { try? JSONParser.parse(String(decoding: $0, as: UTF8.self)) } }
}

@Suite("cek resi notifications: a real SMTP server and a signed webhook receiver (the real binary)", .serialized)
struct NotificationsLiveTests {
    static let email = "warga@example.id"
    static let phone = "0812-3456-7890"
    static let name = "Baiq Nurul Aini"

    @Test(
        "every status change reaches the applicant by e-mail and SMS in Bahasa Indonesia, never with the PIN; a gateway's 500 is retried, a 2xx never sent twice; a refused mailbox is dead-lettered and retried on request"
    )
    func notificationsDeliveredRetriedAndDeadLettered() async throws {
        let scratch = try Scratch("notify")
        let data = scratch.file("data")
        let key = try await CLI.run(["keys", "create", "--data-dir", data, "--role", "documents-writer", "--name", "loket"])
        #expect(key.status == 0, "\(key)")
        let officer = try #require(try key.json().first?["token"]?.string)
        let auditorKey = try await CLI.run(["keys", "create", "--data-dir", data, "--role", "auditor", "--name", "pemeriksa"])
        let auditor = try #require(try auditorKey.json().first?["token"]?.string)

        let secretFile = scratch.file("webhook.secret")
        let secret = "rahasia-gerbang-sms-0123456789"
        #expect(FileManager.default.createFile(atPath: secretFile, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600]))
        let smtp = try await PythonPeer("smtp_sink.py", scratch: scratch, label: "mail") { port, dir in ["\(port)", dir] }
        let gateway = try await PythonPeer("webhook_receiver.py", scratch: scratch, label: "sms") { port, dir in
            ["\(port)", secretFile, dir, "1"]
        }
        let server = try Server(
            dataDirectory: data, scratch: scratch, label: "notify",
            arguments: [
                "--smtp-host", "127.0.0.1", "--smtp-port", "\(smtp.port)", "--smtp-from", "cek-resi@mataramkota.go.id",
                "--webhook-url", "http://127.0.0.1:\(gateway.port)/kirim", "--webhook-secret-file", secretFile,
                "--notification-retry", "1", "--notification-interval", "100",
            ])
        _ = try #require(await server.waitForHealth(timeout: .seconds(120)), "no /health: \(server.log)")
        func call(_ method: String, _ path: String, _ body: String? = nil, as token: String? = nil) throws -> (status: Int, json: JSONValue)
        {
            let r = try #require(
                httpRequest(port: server.port, method, path, headers: ["Authorization": "Bearer \(token ?? officer)"], body: body))
            return (r.status, (try? JSONParser.parse(r.body)) ?? .null)
        }
        func head() throws -> Int { try #require(try call("GET", "/health").json["headPosition"]?.int) }

        // An address a notification cannot reach: 400 naming it, nothing written, never repeated.
        let before = try head()
        for (applicant, field) in [
            (#""email":"bukan alamat","notify":["email"]"#, "applicant.email"),
            (#""phone":"0370 123456","notify":["sms"]"#, "applicant.phone"),
            (#""notify":["email"]"#, "applicant.email"),
            (#""email":"a@b.co","notify":["fax"]"#, "applicant.notify[0]"),
        ] {
            let refused = try call(
                "POST", "/v1/documents/applications",
                #"{"documentType":"ktp-el","office":"dukcapil-mataram","channel":"online","applicant":{"nik":"5271010101900001",\#(applicant)}}"#
            )
            #expect(refused.status == 400, "\(refused)")
            #expect(refused.json["errors"]?.arrayValue?.first?["field"]?.string == field, "\(refused)")
            #expect(!"\(refused.json)".contains("bukan alamat") && !"\(refused.json)".contains("0370 123456"))
        }
        #expect(try head() == before)

        // Submitted choosing both channels, then moved twice.
        let submitted = try call(
            "POST", "/v1/documents/applications",
            #"{"documentType":"ktp-el","office":"dukcapil-mataram","channel":"online","applicant":{"nik":"5271010101900001","name":"\#(Self.name)","email":"\#(Self.email)","phone":"\#(Self.phone)","notify":["email","sms"]}}"#
        )
        #expect(submitted.status == 201, "\(submitted)")
        let receipt = try #require(submitted.json["receiptNumber"]?.string)
        let pin = try #require(submitted.json["pin"]?.string)
        for body in [
            #"{"to":"revision-requested","reasonCode":"lampiran-belum-lengkap","officer":"petugas-01"}"#,
            #"{"to":"submitted","officer":"petugas-01"}"#,
        ] {
            let moved = try call("POST", "/v1/documents/applications/\(receipt)/status", body)
            #expect(moved.status == 201, "\(moved)")
        }

        // Three e-mails and three text messages, each text after one 500.
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, smtp.taken.count < 3 || gateway.taken.filter({ $0["status"]?.int == 200 }).count < 3 {
            try await Task.sleep(for: .milliseconds(200))
        }
        let mails = smtp.taken
        #expect(mails.count == 3, "\(mails)\n\(server.log)")
        #expect(mails.allSatisfy { $0["to"]?.arrayValue?.first?.string == Self.email })
        #expect(
            mails.map { $0["subject"]?.string ?? "" }.sorted()
                == [
                    "Resi \(receipt): Permohonan diterima", "Resi \(receipt): Permohonan diterima",
                    "Resi \(receipt): Perlu perbaikan berkas",
                ].sorted(), "\(mails)")
        let revision = try #require(mails.first { ($0["subject"]?.string ?? "").hasSuffix("Perlu perbaikan berkas") })
        #expect(revision["body"]?.string?.contains("Alasan: Persyaratan atau lampiran belum lengkap") == true, "\(revision)")
        #expect(mails.allSatisfy { $0["headers"]?["X-Lumbung-Idempotency-Key"]?.string?.hasSuffix(":email") == true })

        let texts = gateway.taken
        #expect(texts.allSatisfy { $0["signatureValid"] == .bool(true) }, "\(texts)")
        let byKey = Dictionary(grouping: texts) { $0["idempotencyKey"]?.string ?? "" }
        #expect(byKey.count == 3, "\(texts)")
        for (deliveryKey, attempts) in byKey {
            #expect(deliveryKey.hasSuffix(":sms"))
            #expect(attempts.map { $0["status"]?.int ?? 0 } == [500, 200], "\(deliveryKey): \(attempts)")
            #expect(
                attempts.allSatisfy { $0["body"]?["to"]?.string == "+6281234567890" && $0["body"]?["receiptNumber"]?.string == receipt })
        }
        for message in mails.map({ $0["body"]?.string ?? "" }) + texts.map({ $0["body"]?["text"]?.string ?? "" }) {
            #expect(message.contains(receipt))
            #expect(!message.contains(pin) && !message.contains(Self.name) && !message.contains("5271010101900001"), "\(message)")
        }

        // Acknowledged: not sent again, however long the worker runs.
        try await Task.sleep(for: .seconds(3))
        #expect(smtp.taken.count == 3 && gateway.taken.count == 6, "\(gateway.taken)")
        let listed = try call("GET", "/v1/notifications?receiptNumber=\(receipt)")
        #expect(listed.status == 200, "\(listed)")
        let deliveries = listed.json["notifications"]?.arrayValue ?? []
        #expect(deliveries.count == 6 && deliveries.allSatisfy { $0["state"]?.string == "delivered" }, "\(listed)")
        #expect(deliveries.filter { $0["channel"]?.string == "sms" }.allSatisfy { $0["lastError"]?.string == "http-500" })
        #expect(!"\(listed.json)".contains(Self.email) && !"\(listed.json)".contains("6281234567890"))

        // A mailbox that does not exist (550): dead-lettered at once, retried only on request.
        let refusedMailbox = try call(
            "POST", "/v1/documents/applications",
            #"{"documentType":"kk","office":"dukcapil-mataram","channel":"online","applicant":{"nik":"5271010101900002","email":"tidak.ada@ditolak.example","notify":["email"]}}"#
        )
        #expect(refusedMailbox.status == 201, "\(refusedMailbox)")
        let deadReceipt = try #require(refusedMailbox.json["receiptNumber"]?.string)
        var dead: [JSONValue] = []
        let deadDeadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadDeadline, dead.isEmpty {
            dead = try call("GET", "/v1/notifications?state=dead").json["notifications"]?.arrayValue ?? []
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(dead.count == 1 && dead.first?["receiptNumber"]?.string == deadReceipt, "\(dead)\n\(server.log)")
        #expect(dead.first?["lastError"]?.string == "smtp-550")
        let deadKey = try #require(dead.first?["key"]?.string)
        let delivered = try #require(deliveries.first?["key"]?.string)
        let again = try call("POST", "/v1/notifications/\(delivered)/retry")
        #expect(again.status == 409, "a delivered notification is never sent again: \(again)")
        #expect(try call("POST", "/v1/notifications/\(UUID().uuidString.lowercased()):email/retry").status == 404)
        #expect(try call("GET", "/v1/notifications?state=lost").status == 400)
        let retried = try call("POST", "/v1/notifications/\(deadKey)/retry")
        #expect(retried.status == 201, "\(retried)")

        // The retry is tried (and refused again, so dead again); then, with the server stopped, the CLI lists it.
        let retryDeadline = ContinuousClock.now + .seconds(30)
        var events: [JSONValue] = []
        while ContinuousClock.now < retryDeadline {
            let stream = try call("GET", "/v1/streams/application-\(deadReceipt)", as: auditor).json
            events = stream["events"]?.arrayValue ?? []
            if events.filter({ $0["type"]?.string == "documents.notification-failed" }).count == 2 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(
            events.compactMap { $0["type"]?.string } == [
                "documents.application-submitted", "documents.notification-failed", "documents.notification-retry-requested",
                "documents.notification-failed",
            ], "\(events)")
        #expect(kill(server.process.processIdentifier, SIGTERM) == 0)
        #expect(await server.waitForExit(timeout: .seconds(30)) == 0)
        let list = try await CLI.run(["notifications", "list", "--state", "dead", "--data-dir", data])
        #expect(list.status == 0, "\(list)")
        #expect(try list.json().compactMap { $0["key"]?.string } == [deadKey], "\(list)")
        let cliRetry = try await CLI.run(["notifications", "retry", deadKey, "--data-dir", data])
        #expect(cliRetry.status == 0, "\(cliRetry)")
        let pending = try await CLI.run(["notifications", "list", "--state", "pending", "--data-dir", data])
        #expect(try pending.json().compactMap { $0["key"]?.string } == [deadKey], "\(pending)")
        let refusedRetry = try await CLI.run(["notifications", "retry", delivered, "--data-dir", data])
        #expect(refusedRetry.status == 1 && refusedRetry.stderr.contains("only a dead-lettered one"), "\(refusedRetry)")
    }
}

@Suite("serve's notification options")
struct NotificationOptionsTests {
    @Test(
        "options that do not fit together, or a secret file others may read, stop serve before it starts, naming the option",
        arguments: [
            (["--webhook-url", "http://127.0.0.1:9/kirim"], "--webhook-url needs --webhook-secret-file"),
            (["--webhook-url", "ftp://127.0.0.1/kirim", "--webhook-secret-file", "SECRET"], "--webhook-url must be an http or https URL"),
            (["--webhook-secret-file", "SECRET"], "--webhook-secret-file goes with --webhook-url"),
            (["--webhook-url", "http://127.0.0.1:9/kirim", "--webhook-secret-file", "OPEN"], "is readable by others"),
            (["--webhook-url", "http://127.0.0.1:9/kirim", "--webhook-secret-file", "SHORT"], "must hold at least 16 bytes"),
            (["--webhook-url", "http://127.0.0.1:9/kirim", "--webhook-secret-file", "/nonexistent/secret"], "cannot read"),
            (["--smtp-host", "127.0.0.1", "--smtp-port", "0"], "--smtp-port must be 1-65535"),
            (["--smtp-host", "127.0.0.1", "--smtp-from", "bukan alamat"], "--smtp-from is not an e-mail address"),
            (["--notification-retry", "0"], "--notification-retry must be 1-86400 seconds"),
        ])
    func refused(options: [String], message: String) async throws {
        let scratch = try Scratch("notify-options")
        func secretFile(_ name: String, _ content: String, mode: Int) -> String {
            let path = scratch.file(name)
            _ = FileManager.default.createFile(atPath: path, contents: Data(content.utf8), attributes: [.posixPermissions: mode])
            return path
        }
        let files = [
            "SECRET": secretFile("secret", "rahasia-gerbang-sms-0123456789", mode: 0o600),
            "OPEN": secretFile("open", "rahasia-gerbang-sms-0123456789", mode: 0o644),
            "SHORT": secretFile("short", "pendek", mode: 0o600),
        ]
        let data = scratch.file("data")
        let r = try await CLI.run(["serve", "--data-dir", data, "--port", "0"] + options.map { files[$0] ?? $0 })
        #expect(r.status == 64, "\(r)")
        #expect(r.stderr.contains(message), "\(r)")
        #expect(!r.stderr.contains("rahasia"), "a secret is never printed")
        #expect(!FileManager.default.fileExists(atPath: data + "/log"), "nothing was opened or written")
    }
}
