public import EventLog

/// One delivery of the outbox: a status change (or submission) event told over one channel. Its
/// idempotency key is the event id and the channel, so the worker, a retry and a replay all name
/// the same delivery and a receiver can drop a repeat.
public struct NotificationDelivery: Sendable, Equatable {
    public enum State: String, Sendable, Equatable, Codable {
        /// Waiting for its next attempt (`nextAttemptAt`).
        case pending
        /// A receiver acknowledged it (2xx, or SMTP 250 after DATA): never sent again.
        case delivered
        /// Out of attempts: kept, shown in the dead-letter view, sent again only on request.
        case dead
    }

    /// `<event id>:<channel>`.
    public var key: String
    public var receiptNumber: String
    public var channel: NotificationChannel
    public var state: State
    /// Failed attempts since the delivery was due or last retried on request.
    public var failures: Int
    public var nextAttemptAt: Timestamp?
    /// The last failure's class (`timeout`, `http-500`, `smtp-451`...), never a message body.
    public var lastError: String?

    public static func key(eventID: String, channel: NotificationChannel) -> String { "\(eventID):\(channel.rawValue)" }
}

/// The outbox as a pure fold of the log's notification facts: what is due, what was delivered,
/// what is dead. The worker appends the facts (`notifications.delivered`,
/// `notifications.attempt-failed`, `notifications.dead-lettered`, `notifications.retry-requested`);
/// replaying them gives the same outbox. Facts name deliveries by key, receipt and channel only.
public struct NotificationOutbox: Sendable, Equatable {
    public private(set) var deliveries: [String: NotificationDelivery] = [:]
    public var backoff: NotificationBackoff

    public init(backoff: NotificationBackoff = .standard) { self.backoff = backoff }

    /// A status change (or submission) `eventID` of `receiptNumber` at `at`, to tell over
    /// `channels`. A key already known is left as it is (a replay adds nothing).
    public mutating func due(eventID: String, receiptNumber: String, channels: [NotificationChannel], at: Timestamp) {
        for channel in channels {
            let key = NotificationDelivery.key(eventID: eventID, channel: channel)
            guard deliveries[key] == nil else { continue }
            deliveries[key] = NotificationDelivery(
                key: key, receiptNumber: receiptNumber, channel: channel, state: .pending, failures: 0, nextAttemptAt: at)
        }
    }

    /// The receiver acknowledged `key`. Final: later failures or retries of it change nothing.
    public mutating func delivered(_ key: String) {
        guard var d = deliveries[key] else { return }
        d.state = .delivered
        d.nextAttemptAt = nil
        deliveries[key] = d
    }

    /// An attempt of `key` failed at `at` with `error`: the next attempt is scheduled by the
    /// back-off, or the delivery goes dead when out of attempts. Returns the new state.
    @discardableResult
    public mutating func attemptFailed(_ key: String, at: Timestamp, error: String) -> NotificationDelivery.State? {
        guard var d = deliveries[key], d.state == .pending else { return deliveries[key]?.state }
        d.failures += 1
        d.lastError = error
        d.nextAttemptAt = backoff.nextAttempt(afterFailures: d.failures, at: at)
        if d.nextAttemptAt == nil { d.state = .dead }
        deliveries[key] = d
        return d.state
    }

    /// An administrator asked to send dead `key` again (`lumbung notifications retry`): it is
    /// pending from `at` with a fresh budget of attempts. Delivered or pending keys are left alone.
    public mutating func retryRequested(_ key: String, at: Timestamp) {
        guard var d = deliveries[key], d.state == .dead else { return }
        d.state = .pending
        d.failures = 0
        d.nextAttemptAt = at
        deliveries[key] = d
    }

    /// Pending deliveries whose next attempt is at or before `now`, the earliest first.
    public func dueAt(_ now: Timestamp) -> [NotificationDelivery] {
        deliveries.values.filter { $0.state == .pending && ($0.nextAttemptAt.map { $0 <= now } ?? false) }
            .sorted { ($0.nextAttemptAt!, $0.key) < ($1.nextAttemptAt!, $1.key) }
    }

    /// The dead-letter view, by key.
    public var dead: [NotificationDelivery] { deliveries.values.filter { $0.state == .dead }.sorted { $0.key < $1.key } }
}
