public import EventLog

/// One delivery of the outbox: a submission or status change of an application told over one
/// channel. Its key, `<event id>:<channel>`, is its idempotency key: the worker, a retry and a
/// replay all name the same delivery, and a receiver can drop a repeat.
///
/// Its life is a pure fold of the log (`NotificationsProjector` keeps it in
/// `documents.notifications`): made `pending` by the event it tells, then `delivered` (final), or
/// failed attempts until one is due again or it is `dead`; a retry on request makes a dead one
/// pending again with a fresh budget.
public struct NotificationDelivery: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Equatable, Codable {
        /// Waiting for its next attempt (`nextAttemptAt`).
        case pending
        /// A receiver acknowledged it (2xx, or SMTP 250 after DATA): never sent again.
        case delivered
        /// Out of attempts, or cannot succeed: kept in the dead-letter view, sent again only on request.
        case dead
    }

    /// `<event id>:<channel>`.
    public var key: String
    /// The id of the event told (its submission or status change).
    public var eventId: String
    public var receiptNumber: String
    public var channel: NotificationChannel
    /// The status told, and why (the reason code, when the change had one).
    public var status: ApplicationStatus
    public var reasonCode: ReasonCode?
    public var state: State
    /// Failed attempts since it was made or last retried on request.
    public var failures: Int
    /// When the event told was recorded (the delivery is due from then).
    public var createdAt: String
    /// When what it tells happened (the submission or change's own time).
    public var occurredAt: String?
    /// When the next attempt is due (pending only).
    public var nextAttemptAt: String?
    /// The last failure's class (`timeout`, `http-500`, `smtp-451`, `erased`), never a reply's text.
    public var lastError: String?
    public var deliveredAt: String?

    public init(
        eventId: String, receiptNumber: String, channel: NotificationChannel, status: ApplicationStatus, reasonCode: ReasonCode?,
        at: Timestamp, occurredAt: Timestamp? = nil
    ) {
        self.occurredAt = occurredAt?.description
        key = Self.key(eventID: eventId, channel: channel)
        (self.eventId, self.receiptNumber, self.channel, self.status, self.reasonCode) = (
            eventId, receiptNumber, channel, status, reasonCode
        )
        state = .pending
        failures = 0
        createdAt = at.description
        nextAttemptAt = at.description
    }

    public static func key(eventID: String, channel: NotificationChannel) -> String { "\(eventID):\(channel.rawValue)" }

    /// The event id and channel of a key; nil when it is not one.
    public static func parse(_ key: String) -> (eventID: EventID, channel: NotificationChannel)? {
        guard let colon = key.lastIndex(of: ":"), let id = EventID(String(key[..<colon])),
            let channel = NotificationChannel(rawValue: String(key[key.index(after: colon)...]))
        else { return nil }
        return (id, channel)
    }

    /// Whether what it tells happened longer than `maxAge` milliseconds before `now` (a message
    /// about a status of weeks ago misleads more than it helps: it is dead-lettered, not sent).
    public func isStale(at now: Timestamp, maxAge: Int64) -> Bool {
        guard let occurred = occurredAt.flatMap(Timestamp.init) else { return false }
        return now.millisecondsSince1970 - occurred.millisecondsSince1970 > maxAge
    }

    /// Whether an attempt is due at `now`.
    public func isDue(at now: Timestamp) -> Bool {
        state == .pending && (nextAttemptAt.flatMap(Timestamp.init).map { $0 <= now } ?? true)
    }

    /// Folds `documents.notification-<outcome>` into the delivery. A delivered one stays
    /// delivered; a failure or retry of another state than the one it applies to changes nothing.
    public mutating func record(_ outcome: NotificationRecorded.Outcome, _ e: NotificationRecorded) {
        switch outcome {
        case .delivered:
            state = .delivered
            deliveredAt = e.at.description
            nextAttemptAt = nil
        case .failed:
            guard state == .pending else { return }
            failures = max(failures + 1, e.attempt ?? 0)
            lastError = e.error
            nextAttemptAt = e.nextAttemptAt?.description
            if e.nextAttemptAt == nil { state = .dead }
        case .retryRequested:
            guard state == .dead else { return }
            state = .pending
            failures = 0
            nextAttemptAt = e.at.description
        }
    }
}
