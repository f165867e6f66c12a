import DocumentTracking
import Foundation
import JSON
import NotificationChannels
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Webhook client against a local gateway that checks signatures")
struct WebhookClientTests {
    @Test("a gateway that does not answer in time is a timeout (to retry); the same key then goes through, signed")
    func timeoutThenDelivered() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("webhook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let secret = "rahasia-gerbang-sms-0123456789"
        let secretFile = dir.appendingPathComponent("secret").path
        #expect(FileManager.default.createFile(atPath: secretFile, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600]))
        let out = dir.appendingPathComponent("got")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let port = Int.random(in: 20_000..<40_000)
        let receiver = ChildProcess()
        receiver.executableURL = URL(fileURLWithPath: SMTPClientTests.python)
        receiver.arguments = [
            SMTPClientTests.packageRoot.appendingPathComponent("Tests/python/webhook_receiver.py").path, "\(port)", secretFile, out.path,
            "0",
            "3",
        ]
        let stdout = Pipe()
        let stdin = Pipe()
        receiver.standardOutput = stdout
        receiver.standardInput = stdin
        try receiver.run()
        defer {
            try? stdin.fileHandleForWriting.close()
            kill(receiver.processIdentifier, SIGKILL)
            receiver.waitUntilExit()
        }
        #expect(String(decoding: stdout.fileHandleForReading.availableData, as: UTF8.self).hasPrefix("ready"))

        let client = WebhookClient(url: "http://127.0.0.1:\(port)/kirim", secret: Array(secret.utf8), timeout: .seconds(1))
        let message = NotificationMessage(receiptNumber: "MTR-7GQ2K9XW4D", status: .ready, reasonLabel: nil, ready: nil)
        let key = "0190f3a2-0000-7000-8000-000000000001:sms"
        await #expect(throws: WebhookError(failure: "timeout")) {
            try await client.send(to: "+6281234567890", message: message, receiptNumber: "MTR-7GQ2K9XW4D", idempotencyKey: key)
        }
        try await client.send(to: "+6281234567890", message: message, receiptNumber: "MTR-7GQ2K9XW4D", idempotencyKey: key)
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
        let records = try files.sorted().map { try JSONParser.parse(String(contentsOfFile: out.path + "/" + $0, encoding: .utf8)) }
        #expect(records.count == 2)
        #expect(records.allSatisfy { $0["signatureValid"] == .bool(true) && $0["idempotencyKey"]?.stringValue == key })
        #expect(records.allSatisfy { $0["body"]?["text"]?.stringValue?.contains("Siap diambil") == true })
    }
}
