public import Projections

/// The names of the document tracking's views, declared once: each projector's `definition` carries its own (see the
/// projector of that name for what the view holds), and every reader finds the view by them.
public enum DocumentViews {
    public static let applications = ViewName("documents.applications"), queue = ViewName("documents.queue"),
        processing = ViewName("documents.processing"), notifications = ViewName("documents.notifications")
    /// In the order the domain lists its projectors.
    public static let all = [applications, queue, processing, notifications]
}
