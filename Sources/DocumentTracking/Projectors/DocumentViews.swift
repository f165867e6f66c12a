public import Projections

/// The names of document tracking's views, declared once: the projectors carry them and every
/// reader (queries, routes, replay) finds the views by them.
public enum DocumentViews {
    /// Each application's public status and timeline, and its PIN hash (`ApplicationsProjector`).
    public static let applications = ViewName("documents.applications")
    /// The work waiting at each office, by status (`QueueProjector`).
    public static let queue = ViewName("documents.queue")
    /// Processing times from submission to `ready` (`ProcessingProjector`).
    public static let processing = ViewName("documents.processing")

    public static let all = [applications, queue, processing]
}
