/// The event types of document tracking and their stream: one stream per application,
/// `application-<receiptNumber>`, holding its submission and then its status changes.
public enum DocumentEvents {
    public static let applicationSubmitted = "documents.application-submitted"
    public static let statusChanged = "documents.status-changed"
    public static let pinReissued = "documents.pin-reissued"
    /// `documents.notification-delivered`, `-failed`, `-retry-requested` (`NotificationRecorded`).
    public static let notificationTypes = notificationOutcomes.map(\.type)
    /// The lifecycle's events, which the applications, queue and processing views fold.
    public static let lifecycle: Set<String> = [applicationSubmitted, statusChanged, pinReissued]
    public static let all: Set<String> = lifecycle.union(notificationTypes)
    /// `privacy.legacy-subject-linked` `{"subject","receiptNumbers":[...]}` (a system event, stream
    /// `privacy-<subject>`, appended by `lumbung privacy migrate`): applications written before the
    /// vault (`applicant.nikHash` only) belong to `subject`. `documents.applications` folds it.
    public static let legacySubjectLinked = "privacy.legacy-subject-linked"

    /// The outcome a notification event type records; nil for another type.
    public static func notificationOutcome(_ type: String) -> NotificationRecorded.Outcome? {
        // Against the names made once (each outcome's `eventType` is made when asked).
        notificationOutcomes.first { $0.type == type }?.outcome
    }

    /// Each outcome with its event type, made once.
    private static let notificationOutcomes = NotificationRecorded.Outcome.allCases.map { (type: $0.eventType, outcome: $0) }

    /// Category of the application streams.
    public static let streamCategory = "application"

    /// The stream of an application: `application-<receiptNumber>`.
    public static func stream(receiptNumber: String) -> String { streamCategory + "-" + receiptNumber }
}
