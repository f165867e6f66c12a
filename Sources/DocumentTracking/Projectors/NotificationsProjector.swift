public import DomainKit
public import EventLog
public import Projections

/// `documents.notifications`: the outbox. Every submission and status change of an application
/// whose applicant chose channels (`ApplicationSubmitted.notify`) makes one delivery per channel;
/// the notification events fold into them (`NotificationDelivery.record`). Replaying the log gives
/// the same outbox, so a delivery acknowledged before a crash or a rebuild is never sent again.
///
/// Databases:
/// - `channels`: receiptNumber -> the channels chosen (JSON array of names);
/// - `deliveries`: delivery key (`<event id>:<channel>`) -> `NotificationDelivery`;
/// - `pending`: delivery key -> nothing, for the deliveries still to be sent (the worker's scan).
public struct NotificationsProjector: DomainProjector {
    public static let definition = ViewDefinition(
        DocumentViews.notifications, version: 1, folding: DocumentEvents.all, databases: ["channels", "deliveries", "pending"])

    public func apply(_ typed: Application.Event, of event: RecordedEvent, to view: ViewWriter) throws {
        switch typed {
        case .submitted(let e):
            guard let notify = e.notify, !notify.isEmpty else { return }
            try view.put("channels", e.receiptNumber, value: notify)
            try make(notify, telling: event, receipt: e.receiptNumber, status: .submitted, reasonCode: nil, view)
        case .statusChanged(let e):
            guard let notify = try view.value([NotificationChannel].self, "channels", e.receiptNumber) else { return }
            try make(notify, telling: event, receipt: e.receiptNumber, status: e.to, reasonCode: e.reasonCode, view)
        case .notification(let outcome, let e):
            guard var delivery = try view.value(NotificationDelivery.self, "deliveries", e.delivery) else { return }
            delivery.record(outcome, e)
            try view.put("deliveries", e.delivery, value: delivery)
            if delivery.state == .pending {
                try view.put("pending", e.delivery, bytes: [])
            } else {
                try view.delete("pending", e.delivery)
            }
        case .pinReissued:
            return
        }
    }

    private func make(
        _ channels: [NotificationChannel], telling event: RecordedEvent, receipt: String, status: ApplicationStatus,
        reasonCode: ReasonCode?, _ view: ViewWriter
    ) throws {
        for channel in channels {
            let d = NotificationDelivery(
                eventId: event.id.description, receiptNumber: receipt, channel: channel, status: status, reasonCode: reasonCode,
                at: event.recordedAt, occurredAt: event.occurredAt)
            guard try view.get("deliveries", d.key) == nil else { continue }
            try view.put("deliveries", d.key, value: d)
            try view.put("pending", d.key, bytes: [])
        }
    }
}

extension DocumentTrackingQueries {
    // MARK: documents.notifications (DocumentViews.notifications)

    /// The deliveries still to be sent, due at `now` or not (`NotificationDelivery.isDue`), oldest
    /// first. `view`: `documents.notifications`.
    public static func pendingNotifications(_ view: ViewReader, limit: Int = 1000) throws -> [NotificationDelivery] {
        var keys: [String] = []
        try view.scan("pending", prefix: "") { key, _ in
            keys.append(key)
            return keys.count < limit
        }
        return try keys.compactMap { try view.value(NotificationDelivery.self, "deliveries", $0) }
            .sorted { ($0.nextAttemptAt ?? "", $0.key) < ($1.nextAttemptAt ?? "", $1.key) }
    }

    /// The deliveries in `state` (all when nil), of one application or of all, by key.
    /// `view`: `documents.notifications`.
    public static func notifications(
        _ view: ViewReader, state: NotificationDelivery.State? = nil, receiptNumber: String? = nil, limit: Int = 500
    ) throws -> [NotificationDelivery] {
        var out: [NotificationDelivery] = []
        try view.scanValues(NotificationDelivery.self, "deliveries", prefix: "") { _, d in
            if (state == nil || d.state == state) && (receiptNumber == nil || d.receiptNumber == receiptNumber) { out.append(d) }
            return out.count < limit
        }
        return out
    }

    /// One delivery by its key; nil when there is none. `view`: `documents.notifications`.
    public static func notification(_ view: ViewReader, key: String) throws -> NotificationDelivery? {
        try view.value(NotificationDelivery.self, "deliveries", key)
    }
}
