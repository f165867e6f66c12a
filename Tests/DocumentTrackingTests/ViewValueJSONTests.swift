import EventLog
import Foundation
import Projections
import Testing

@testable import DocumentTracking

/// The view values document tracking writes without `Codable` (`ViewJSONWritable`) store the bytes
/// `JSONEncoder` writes for them, with every optional member present and with none.
@Suite struct ViewValueJSONTests {
    static func expectJSONEncoderBytes(_ value: some ViewJSONWritable) throws {
        let expected = [UInt8](try ViewCoding.encoder.encode(value))
        #expect(value.viewJSON == expected, "\(String(decoding: value.viewJSON, as: UTF8.self))")
    }

    @Test func publicApplications() throws {
        var app = PublicApplication(
            receiptNumber: "MTR-7GQ2K9XW4D", documentType: .kk, office: "dukcapil-mataram", officeName: "Dukcapil \"Kota\" Mataram / é",
            channel: .online, status: .rejected, submittedAt: "2018-08-06T02:13:00.000Z", updatedAt: "2018-08-07T02:13:00.000Z",
            timeline: [
                TimelineEntry(status: .submitted, at: "2018-08-06T02:13:00.000Z"),
                TimelineEntry(status: .rejected, at: "2018-08-07T02:13:00.000Z", reasonCode: .dataMismatch, reason: "Nama \u{1F} berbeda"),
            ])
        try Self.expectJSONEncoderBytes(app)
        app.timeline = []
        try Self.expectJSONEncoderBytes(app)
    }

    @Test func notificationDeliveries() throws {
        var d = NotificationDelivery(
            eventId: "0190f3a2-0000-7000-8000-000000000001", receiptNumber: "MTR-7GQ2K9XW4D", channel: .sms, status: .revisionRequested,
            reasonCode: .missingAttachment, at: Timestamp(millisecondsSince1970: 1_533_888_000_000))
        try Self.expectJSONEncoderBytes(d)
        d.occurredAt = "2018-08-06T02:13:00.000Z"
        d.lastError = "http-500"
        d.deliveredAt = "2018-08-06T02:14:00.000Z"
        d.failures = 3
        d.state = .delivered
        try Self.expectJSONEncoderBytes(d)
        d.nextAttemptAt = nil
        d.reasonCode = nil
        try Self.expectJSONEncoderBytes(d)
    }
}
