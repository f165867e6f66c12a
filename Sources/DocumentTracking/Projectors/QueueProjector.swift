public import DomainKit
public import EventLog
public import Projections

/// `documents.queue`: the work waiting at each office, by status.
///
/// Databases:
/// - `counts`: `ViewKey` of (office, status) -> number of applications in that status now (final
///   statuses count every application that ended there);
/// - `items`: `ViewKey` of (office, status, submittedAt, receiptNumber) -> `QueueItem`, only for
///   open (not final) statuses; key order is oldest submission first;
/// - `current`: receiptNumber -> `QueueItem` (where the application is now).
public struct QueueProjector: DomainProjector {
    /// 2: keys made by `ViewKey` (parts joined by U+001F instead of `/`).
    public static let definition = ViewDefinition(
        DocumentViews.queue, version: 2, folding: DocumentEvents.lifecycle, databases: ["counts", "items", "current"])

    static func countKey(office: String, status: ApplicationStatus) -> String {
        ViewKey.make(office, status.rawValue)
    }

    /// The prefix of the items of one office in one status.
    static func itemPrefix(office: String, status: ApplicationStatus) -> String {
        ViewKey.prefix(office, status.rawValue)
    }

    static func itemKey(_ item: QueueItem) -> String {
        ViewKey.make(item.office, item.status.rawValue, ViewKey.time(item.submittedAtTime), item.receiptNumber)
    }

    public func apply(_ typed: Application.Event, of event: RecordedEvent, to view: ViewWriter) throws {
        switch typed {
        case .submitted(let e):
            let item = QueueItem(
                receiptNumber: e.receiptNumber, office: e.office, documentType: e.documentType, status: .submitted,
                submittedAt: e.submittedAt.description, since: e.submittedAt.description)
            try enter(item, view)
        case .statusChanged(let e):
            guard var item = try view.value(QueueItem.self, "current", e.receiptNumber) else { return }
            try leave(item, view)
            item.status = e.to
            item.since = e.changedAt.description
            try enter(item, view)
        case .pinReissued, .notification:
            return
        }
    }

    private func enter(_ item: QueueItem, _ view: ViewWriter) throws {
        try view.put("current", item.receiptNumber, value: item)
        if !item.status.isFinal { try view.put("items", Self.itemKey(item), value: item) }
        try view.update("counts", Self.countKey(office: item.office, status: item.status), initial: 0) { $0 += 1 }
    }

    private func leave(_ item: QueueItem, _ view: ViewWriter) throws {
        if !item.status.isFinal { try view.delete("items", Self.itemKey(item)) }
        let key = Self.countKey(office: item.office, status: item.status)
        let n = try view.value(Int.self, "counts", key) ?? 0
        if n <= 1 { try view.delete("counts", key) } else { try view.put("counts", key, value: n - 1) }
    }
}

/// Where one application is in an office's queue (a value of the `documents.queue` view).
public struct QueueItem: Codable, Sendable, Equatable {
    public var receiptNumber, office: String
    public var documentType: DocumentType
    public var status: ApplicationStatus
    public var submittedAt: String
    /// When it entered its current status.
    public var since: String

    var submittedAtTime: Timestamp { Timestamp(submittedAt) ?? Timestamp(millisecondsSince1970: 0) }
    var sinceTime: Timestamp { Timestamp(since) ?? submittedAtTime }
}
