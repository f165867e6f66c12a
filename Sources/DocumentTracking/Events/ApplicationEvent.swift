public import DomainKit
public import EventLog
public import JSON

extension Application {
    /// The events of an application.
    public enum Event: Sendable, Equatable {
        case submitted(ApplicationSubmitted)
        case statusChanged(StatusChanged)
        case pinReissued(PinReissued)
        /// What became of a notification of this application (`NotificationRecorded`).
        case notification(NotificationRecorded.Outcome, NotificationRecorded)

        /// The event's type name.
        public var type: String {
            switch self {
            case .submitted: DocumentEvents.applicationSubmitted
            case .statusChanged: DocumentEvents.statusChanged
            case .pinReissued: DocumentEvents.pinReissued
            case .notification(let outcome, _): outcome.eventType
            }
        }

        /// The payload as the log stores it.
        public var json: JSONValue {
            switch self {
            case .submitted(let e): e.json
            case .statusChanged(let e): e.json
            case .pinReissued(let e): e.json
            case .notification(_, let e): e.json
            }
        }

        public var receiptNumber: String {
            switch self {
            case .submitted(let e): e.receiptNumber
            case .statusChanged(let e): e.receiptNumber
            case .pinReissued(let e): e.receiptNumber
            case .notification(_, let e): e.receiptNumber
            }
        }

        /// When it happened (`submittedAt`, `changedAt` or `reissuedAt`).
        public var occurredAt: Timestamp {
            switch self {
            case .submitted(let e): e.submittedAt
            case .statusChanged(let e): e.changedAt
            case .pinReissued(let e): e.reissuedAt
            case .notification(_, let e): e.at
            }
        }

        /// Reads an event of type `type` with payload `data`: `.invalidInput` for a type that is not
        /// document tracking's (field `type`) or a payload that does not fit it (naming the `data.`
        /// field: unknown members, a NIK in clear, hashes that are not 64 hex digits, an unknown
        /// office, document type or status, a bad time).
        public static func read(type: String, data: JSONValue) throws(EventLogError) -> Event {
            switch type {
            case DocumentEvents.applicationSubmitted:
                return .submitted(try ApplicationSubmitted.read(data, root: "data", refusing: ApplicationSubmitted.refused).checked())
            case DocumentEvents.statusChanged:
                return .statusChanged(try StatusChanged.read(data))
            case DocumentEvents.pinReissued:
                return .pinReissued(try PinReissued.read(data))
            default:
                if let outcome = DocumentEvents.notificationOutcome(type) {
                    let e = try NotificationRecorded.read(data)
                    try e.check(outcome)
                    return .notification(outcome, e)
                }
                throw EventLogError(
                    .invalidInput,
                    "type: \"\(type.prefix(100))\" is not a document tracking event; known: \(DocumentEvents.all.sorted().joined(separator: ", "))",
                    field: "type")
            }
        }

        /// The event in the log at `event`, nil for what the rules would have refused (a projector
        /// skips it rather than stop every view).
        public static func read(_ event: RecordedEvent) -> Event? {
            if let plain = plainlyValid(type: event.type, bytes: event.data) { return plain }
            guard let data = try? event.dataValue() else { return nil }
            if event.type == DocumentEvents.applicationSubmitted, let plain = plainSubmission(data) { return plain }
            return try? read(type: event.type, data: data)
        }

        /// A submission's payload read plainly (`ApplicationSubmitted.plainlyValid`), with the checks
        /// the strict reader makes once it is read (`checked()`); nil when it is not plainly valid or
        /// they refuse it (the strict reader then reads it, or refuses it with its message).
        static func plainSubmission(_ data: JSONValue) -> Event? {
            ApplicationSubmitted.plainlyValid(data).flatMap { try? .submitted($0.checked()) }
        }

        /// `read(event)` in an object, made here (the protocol's default is generic: it looked the
        /// object's type up at run time per event).
        public static func decoded(_ event: RecordedEvent, ahead: Bool) -> DecodedEvent<Event>? { read(event).map(DecodedEvent.init) }

        /// Whether it moves the application (a submission or a status change), not a new PIN or a
        /// notification's outcome.
        public var isLifecycleStep: Bool {
            switch self {
            case .submitted, .statusChanged: true
            case .pinReissued, .notification: false
            }
        }

        /// The event to append: in its application's stream, at the time it happened.
        func proposed(expectedVersion: ExpectedVersion, id: EventID? = nil) throws(EventLogError) -> ProposedEvent {
            try ProposedEvent(
                stream: DocumentEvents.stream(receiptNumber: receiptNumber), type: type, value: json, id: id, occurredAt: occurredAt,
                expectedVersion: expectedVersion)
        }
    }
}

extension Application.Event: LoggedEvent {}
