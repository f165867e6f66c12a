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
        let gateway = try await PythonPeer("webhook_receiver.py", directory: out.path) { port, dir in
            ["\(port)", secretFile, dir, "0", "30"]
        }
        let port = gateway.port

        let client = WebhookClient(url: "http://127.0.0.1:\(port)/kirim", secret: Array(secret.utf8), timeout: .seconds(2))
        let message = NotificationMessage(receiptNumber: "MTR-7GQ2K9XW4D", status: .ready, reasonLabel: nil, ready: nil)
        let key = "0190f3a2-0000-7000-8000-000000000001:sms"
        await #expect(throws: WebhookError(failure: "timeout")) {
            try await client.send(to: "+6281234567890", message: message, receiptNumber: "MTR-7GQ2K9XW4D", idempotencyKey: key)
        }
        try await client.send(to: "+6281234567890", message: message, receiptNumber: "MTR-7GQ2K9XW4D", idempotencyKey: key)
        let records = try gateway.records.map { try JSONParser.parse(String(decoding: $0, as: UTF8.self)) }
        #expect(records.count == 2)
        #expect(records.allSatisfy { $0["signatureValid"] == .bool(true) && $0["idempotencyKey"]?.stringValue == key })
        #expect(records.allSatisfy { $0["body"]?["text"]?.stringValue?.contains("Siap diambil") == true })
    }
}
