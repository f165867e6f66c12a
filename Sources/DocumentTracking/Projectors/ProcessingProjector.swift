public import DomainKit
public import EventLog
public import Projections

/// An application on its way to `ready` (a value of the `documents.processing` view).
public struct ProcessingStart: Codable, Sendable, Equatable {
    public var documentType: DocumentType
    public var office, submittedAt: String
}

/// An application that reached `ready` (a value of the `documents.processing` view).
public struct ProcessingDone: Codable, Sendable, Equatable {
    public var office, submittedAt, readyAt: String
    public var milliseconds: Int64
}

/// `documents.processing`: how long each application took from its submission to `ready`
/// (the first time; `collected` always follows `ready`), kept sorted per document type so that
/// the median and p90 are read by rank and the count over any SLA by a range.
///
/// The clock starts at the application's `submittedAt` (its first submission: time spent on a
/// revision counts, as the resident waits through it).
///
/// Databases:
/// - `open`: receiptNumber -> `ProcessingStart` (applications not yet ready; deleted at `ready`
///   or `rejected`);
/// - `durations`: `ViewKey` of (documentType, duration in ms as 13 digits, receiptNumber) ->
///   `ProcessingDone`;
/// - `recent`: `ViewKey` of (office, documentType, ready time, receiptNumber) -> the duration in
///   ms (13 digits), and the same under the office `wholeCity`: the latest completions of one
///   office (or of the city) and type first when read backwards, for the live estimate of a ready
///   date (`DocumentTrackingQueries.estimate`);
/// - `clock`: `now` -> the time of the latest submission or change seen (the present of the
///   data: an estimate counts the time already waited up to it).
public struct ProcessingProjector: DomainProjector {
    /// 3: `recent` and `clock` (2: keys made by `ViewKey`).
    public static let definition = ViewDefinition(
        DocumentViews.processing, version: 3, folding: DocumentEvents.lifecycle, databases: ["open", "durations", "recent", "clock"])

    /// The office part of `recent`'s keys that holds every office's completions (no office id
    /// has a `*`).
    static let wholeCity = "*"

    public func apply(_ typed: Application.Event, of event: RecordedEvent, to view: ViewWriter) throws {
        if typed.isLifecycleStep { try advanceClock(to: typed.occurredAt, view) }
        switch typed {
        case .submitted(let e):
            try view.put(
                "open", e.receiptNumber,
                value: ProcessingStart(documentType: e.documentType, office: e.office, submittedAt: e.submittedAt.description))
        case .statusChanged(let e):
            guard e.to == .ready || e.to == .rejected,
                let start = try view.value(ProcessingStart.self, "open", e.receiptNumber)
            else { return }
            try view.delete("open", e.receiptNumber)
            guard e.to == .ready, let submitted = Timestamp(start.submittedAt) else { return }
            let ms = e.changedAt.millisecondsSince1970 - submitted.millisecondsSince1970
            try view.put(
                "durations", ViewKey.make(start.documentType.rawValue, ViewKey.duration(ms), e.receiptNumber),
                value: ProcessingDone(
                    office: start.office, submittedAt: start.submittedAt, readyAt: e.changedAt.description, milliseconds: max(0, ms)))
            for place in [start.office, Self.wholeCity] {
                try view.put(
                    "recent", ViewKey.make(place, start.documentType.rawValue, ViewKey.time(e.changedAt), e.receiptNumber),
                    bytes: Array(ViewKey.duration(ms).utf8))
            }
        case .pinReissued, .notification:
            return
        }
    }

    private func advanceClock(to time: Timestamp, _ view: ViewWriter) throws {
        let current = try view.get("clock", "now").flatMap { Timestamp(String(decoding: $0, as: UTF8.self)) }
        if current.map({ time > $0 }) ?? true { try view.put("clock", "now", bytes: Array(time.description.utf8)) }
    }
}
