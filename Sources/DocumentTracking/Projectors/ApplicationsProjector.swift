public import DomainKit
public import EventLog
public import Projections

/// `documents.applications`: each application's public status and timeline, by receipt number,
/// and its PIN hash kept apart for the lookup.
///
/// Databases:
/// - `applications`: receiptNumber -> `PublicApplication` (no personal data: no NIK hash, no
///   PIN hash, no officer);
/// - `pins`: receiptNumber -> the hash of its current PIN (64 hex digits, as bytes; a reissue
///   replaces it), read only by `DocumentTrackingQueries.lookup`;
/// - `applicants`: receiptNumber -> the event's `Applicant` as sealed (only pseudonyms and
///   ciphertext, never a clear field), opened at query time (`ApplicantRecord`);
/// - `subjects`: `ViewKey.make(subject, receiptNumber)` -> receiptNumber, the applications of a
///   subject (for a NIK found through the vault's blind index), from the submissions sealed under
///   the subject and from `privacy.legacy-subject-linked` (applications from before the vault).
public struct ApplicationsProjector: DomainProjector {
    /// 3: folds `privacy.legacy-subject-linked`.
    public static let definition = ViewDefinition(
        DocumentViews.applications, version: 3, folding: DocumentEvents.lifecycle.union([DocumentEvents.legacySubjectLinked]),
        databases: ["applications", "pins", "applicants", "subjects"])

    public func apply(_ event: RecordedEvent, to view: ViewWriter) throws {
        if try linkLegacySubject(event, view) { return }
        guard let typed = Application.Event.read(event) else { return }
        try apply(typed, of: event, to: view)
    }

    /// A legacy subject's link is not a document event (prepared nil): read here.
    public func apply(_ event: RecordedEvent, prepared: AnyObject?, to view: ViewWriter) throws {
        if try linkLegacySubject(event, view) { return }
        try applyPrepared(prepared, of: event, to: view)
    }

    /// Keeps the receipts a legacy subject's link names (false: `event` is not such a link).
    private func linkLegacySubject(_ event: RecordedEvent, _ view: ViewWriter) throws -> Bool {
        guard event.type == DocumentEvents.legacySubjectLinked else { return false }
        guard let link = try? LegacySubjectLink.read(try event.dataValue()) else { return true }
        for receipt in link.receiptNumbers {
            try view.put("subjects", ViewKey.make(link.subject, receipt), bytes: Array(receipt.utf8))
        }
        return true
    }

    public func apply(_ typed: Application.Event, of event: RecordedEvent, to view: ViewWriter) throws {
        switch typed {
        case .submitted(let e):
            let app = PublicApplication(
                receiptNumber: e.receiptNumber, documentType: e.documentType, office: e.office,
                officeName: Office.named(e.office)?.shortName ?? e.office, channel: e.channel, status: .submitted,
                submittedAt: e.submittedAt.description, updatedAt: e.submittedAt.description,
                timeline: [TimelineEntry(status: .submitted, at: e.submittedAt.description, reason: nil)])
            try view.put("applications", e.receiptNumber, value: app)
            try view.put("pins", e.receiptNumber, bytes: Array(e.pinHash.utf8))
            if let subject = e.applicant.subject {
                try view.putJSON("applicants", e.receiptNumber, e.applicant.json)
                try view.put("subjects", ViewKey.make(subject, e.receiptNumber), bytes: Array(e.receiptNumber.utf8))
            }
        case .statusChanged(let e):
            let at = e.changedAt.description
            try view.updateIfPresent("applications", e.receiptNumber) { (app: inout PublicApplication) in
                app.status = e.to
                app.updatedAt = at
                app.timeline.append(TimelineEntry(status: e.to, at: at, reasonCode: e.reasonCode, reason: e.reason))
            }
        case .pinReissued(let e):
            try view.put("pins", e.receiptNumber, bytes: Array(e.pinHash.utf8))
        case .notification:
            return
        }
    }
}
