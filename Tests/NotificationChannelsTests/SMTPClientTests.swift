import DocumentTracking
import DomainKit
import Foundation
import NotificationChannels
import TestSupport
import Testing

@Suite("SMTP client against a real SMTP server (aiosmtpd)")
struct SMTPClientTests {
    @Test func sendsAMessageInBahasaIndonesiaWithoutThePIN() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-sink-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sink = try await PythonPeer("smtp_sink.py", directory: dir.path) { port, dir in ["\(port)", dir] }
        let port = sink.port

        let ready17 = try #require(CivilDate(year: 2018, month: 8, day: 17))
        let message = NotificationMessage(
            receiptNumber: "MTR-7GQ2K9XW4D", status: .signed, reasonLabel: nil, ready: (ready17, ready17))
        let client = SMTPClient(host: "127.0.0.1", port: port, from: "resi@mataramkota.go.id")
        try await client.send(to: "warga@example.id", message: message, idempotencyKey: "0190f-e1:email")

        let file = dir.appendingPathComponent("1.json")
        for _ in 0..<50 where !FileManager.default.fileExists(atPath: file.path) { try await Task.sleep(for: .milliseconds(100)) }
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        #expect(record["subject"] as? String == "Resi MTR-7GQ2K9XW4D: Ditandatangani")
        #expect(record["to"] as? [String] == ["warga@example.id"])
        let body = try #require(record["body"] as? String)
        #expect(body.contains("nomor resi MTR-7GQ2K9XW4D sekarang: Ditandatangani."))
        #expect(body.contains("Perkiraan siap: 17 Agustus 2018."))
        #expect(!body.contains("PIN Anda:"))
        let headers = try #require(record["headers"] as? [String: String])
        #expect(headers["X-Lumbung-Idempotency-Key"] == "0190f-e1:email")

        // A mailbox the server refuses (550): an error naming the code and the command, nothing taken.
        await #expect(throws: SMTPError(code: 550, command: "RCPT TO")) {
            try await client.send(to: "tidak.ada@ditolak.example", message: message, idempotencyKey: "0190f-e2:email")
        }
        #expect(sink.records.count == 1)
    }

    @Test func connectionRefusedIsAnError() async throws {
        // Nobody listens on this port: the send fails, it does not count as delivered.
        let client = SMTPClient(host: "127.0.0.1", port: 1, from: "resi@mataramkota.go.id", timeout: .seconds(2))
        let message = NotificationMessage(receiptNumber: "MTR-7GQ2K9XW4D", status: .ready, reasonLabel: nil, ready: nil)
        await #expect(throws: (any Error).self) {
            try await client.send(to: "warga@example.id", message: message, idempotencyKey: "e:email")
        }
    }
}
