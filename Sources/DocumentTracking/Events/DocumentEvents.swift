/// The event types of document tracking and their stream: one stream per application,
/// `application-<receiptNumber>`, holding its submission and then its status changes.
public enum DocumentEvents {
    public static let applicationSubmitted = "documents.application-submitted"
    public static let statusChanged = "documents.status-changed"
    public static let pinReissued = "documents.pin-reissued"
    public static let all: Set<String> = [applicationSubmitted, statusChanged, pinReissued]

    /// Category of the application streams.
    public static let streamCategory = "application"

    /// The stream of an application: `application-<receiptNumber>`.
    public static func stream(receiptNumber: String) -> String { streamCategory + "-" + receiptNumber }
}
