/// An office's queue (`DocumentTrackingQueries.queue`): per status, how many applications are in
/// it and, for open statuses, which ones, oldest submission first.
public struct OfficeQueue: Codable, Sendable, Equatable {
    public var office, officeName: String
    /// The time ages are measured at.
    public var asOf: String
    /// Every status of the lifecycle, in lifecycle order.
    public var statuses: [QueueStatus]
    /// Applications not in a final status.
    public var open: Int
}

/// One status of an office's queue.
public struct QueueStatus: Codable, Sendable, Equatable {
    public var status: ApplicationStatus
    /// Applications in this status now (for final statuses: every one that ended there).
    public var count: Int
    /// Open applications listed, oldest first (empty for final statuses); at most the query's limit.
    public var applications: [QueuedApplication]
    /// Whether more applications are in this status than listed.
    public var truncated: Bool
}

/// One waiting application.
public struct QueuedApplication: Codable, Sendable, Equatable {
    public var receiptNumber: String
    public var documentType: DocumentType
    public var submittedAt: String
    /// Whole days since submission.
    public var ageDays: Int
    /// Whole days in the current status.
    public var daysInStatus: Int
    /// Whether it is past its SLA: still not ready with an age over the target, or (for `ready`)
    /// it became ready later than the target.
    public var overSLA: Bool
}

/// An office's counts per status (`DocumentTrackingQueries.queueSummary`).
public struct OfficeQueueCounts: Codable, Sendable, Equatable {
    public var office, officeName: String
    /// Status name -> applications in it (statuses with none left out).
    public var counts: [String: Int]
    public var open: Int
}
