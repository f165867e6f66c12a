/// What a resident sees of their application (`GET /v1/documents/applications/{receiptNumber}?pin=`):
/// its status and timeline, without personal data (no NIK or its hash, no PIN hash, no officer).
/// Times are RFC 3339 in UTC with milliseconds.
public struct PublicApplication: Codable, Sendable, Equatable {
    public var receiptNumber: String
    public var documentType: DocumentType
    /// An `Office.id`.
    public var office: String
    /// The office's short name, e.g. `Dukcapil Kota Mataram`.
    public var officeName: String
    public var channel: ApplicationChannel
    public var status: ApplicationStatus
    public var submittedAt: String
    /// Time of the latest change.
    public var updatedAt: String
    /// Every status it went through, oldest first, starting with `submitted`.
    public var timeline: [TimelineEntry]
}

/// One step of an application's public timeline.
public struct TimelineEntry: Codable, Sendable, Equatable {
    public var status: ApplicationStatus
    public var at: String
    /// Why, as a code (present for `revision-requested` and `rejected` since reason codes exist).
    public var reasonCode: ReasonCode?
    /// Why, as the officer's free text (events before reason codes carry only this).
    public var reason: String?

    public init(status: ApplicationStatus, at: String, reasonCode: ReasonCode? = nil, reason: String? = nil) {
        (self.status, self.at, self.reasonCode, self.reason) = (status, at, reasonCode, reason)
    }

    /// What a resident reads as the reason: the code's label, then the free text; nil when neither.
    public var explanation: String? {
        let parts = [reasonCode?.label, reason].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ". ")
    }
}
