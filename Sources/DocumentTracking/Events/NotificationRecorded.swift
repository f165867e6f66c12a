public import DomainKit
public import EventLog
public import JSON

/// What became of one notification (a status change told to the applicant over one channel), as
/// the delivery worker and `lumbung notifications retry` record it on the application's stream:
/// - `documents.notification-delivered`: the receiver took it (SMTP 250 after DATA, or a 2xx from
///   the gateway). Final: it is never sent again.
/// - `documents.notification-failed`: an attempt failed; `nextAttemptAt` is when the next one is
///   due (by `NotificationBackoff`), absent when the delivery is out of attempts or cannot succeed
///   (the applicant was erased): it is then dead-lettered, sent again only on request.
/// - `documents.notification-retry-requested`: someone asked to send a dead-lettered one again.
///
/// The facts name the delivery (`<event id>:<channel>`), never an address, a name or the text:
/// the address stays sealed in the vault, the text is made again from the status change.
public struct NotificationRecorded: Payload, Hashable {
    public enum Outcome: String, Sendable, Hashable, CaseIterable, Codable {
        case delivered
        case failed
        case retryRequested = "retry-requested"

        /// `documents.notification-<outcome>`.
        public var eventType: String { DocumentTrackingDomain.typePrefix + "notification-" + rawValue }
    }

    public var receiptNumber: String
    /// `NotificationDelivery.key`: the id of the event told, `:`, the channel.
    public var delivery: String
    public var channel: NotificationChannel
    public var at: Timestamp
    /// `failed`: the number of this attempt (1 for the first).
    public var attempt: Int?
    /// `failed`: the class of the failure (`smtp-451`, `http-500`, `timeout`, `connect`, `erased`),
    /// never a reply's text.
    public var error: String?
    /// `failed`: when the next attempt is due; absent: dead-lettered.
    public var nextAttemptAt: Timestamp?
    /// `retry-requested`: who asked (`key:<id>` or `cli`).
    public var requestedBy: String?

    public init(
        receiptNumber: String, delivery: String, channel: NotificationChannel, at: Timestamp, attempt: Int? = nil, error: String? = nil,
        nextAttemptAt: Timestamp? = nil, requestedBy: String? = nil
    ) {
        (self.receiptNumber, self.delivery, self.channel, self.at) = (receiptNumber, delivery, channel, at)
        (self.attempt, self.error, self.nextAttemptAt, self.requestedBy) = (attempt, error, nextAttemptAt, requestedBy)
    }

    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch CodingKeys(stringValue: key) {
        case .receiptNumber: .receiptNumber
        case .delivery:
            JSONFieldRule(
                expected: "a delivery key: an event id, ':', a channel", maxBytes: 60,
                checkString: { s in NotificationDelivery.parse(s) == nil ? "must be <event id>:email or <event id>:sms" : nil })
        case .at, .nextAttemptAt: .time
        case .attempt: .positiveInteger
        case .error:
            JSONFieldRule(
                expected: "a failure class such as smtp-451 or http-500", maxBytes: 40,
                checkString: { s in
                    s.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") }
                        ? nil : "only lower-case letters, digits and -"
                })
        case .requestedBy: .officer
        default: nil
        }
    }

    /// The rules between fields: the delivery's channel is `channel`; `failed` carries `attempt` and
    /// `error`, the others neither nor `nextAttemptAt`.
    func check(_ outcome: Outcome) throws(EventLogError) {
        func refuse(_ field: String, _ message: String) -> EventLogError {
            EventLogError(.invalidInput, "data.\(field): \(message)", field: "data.\(field)")
        }
        guard NotificationDelivery.parse(delivery)?.channel == channel else {
            throw refuse("channel", "must be the channel of data.delivery \(delivery)")
        }
        if outcome == .failed {
            if attempt == nil { throw refuse("attempt", "is required for a failed attempt") }
            if error == nil { throw refuse("error", "is required for a failed attempt") }
        } else {
            for (field, present) in [("attempt", attempt != nil), ("error", error != nil), ("nextAttemptAt", nextAttemptAt != nil)]
            where present {
                throw refuse(field, "belongs to documents.notification-failed only")
            }
        }
        if outcome != .retryRequested, requestedBy != nil {
            throw refuse("requestedBy", "belongs to documents.notification-retry-requested only")
        }
    }
}
