import EventLog

/// Key pieces shared by the document tracking views.
enum ViewKeys {
    /// Separates the parts of a key (office ids, statuses and receipt numbers never contain it).
    static let separator = "/"
    /// Milliseconds from year 0001 (so every `Timestamp` is non-negative), zero-padded to 15
    /// digits: key order is time order.
    static func time(_ t: Timestamp) -> String {
        padded(max(0, t.millisecondsSince1970 + 62_135_596_800_000), width: 15)
    }

    /// A non-negative duration in milliseconds, zero-padded to 13 digits (up to ~317 years).
    static func duration(_ ms: Int64) -> String { padded(max(0, ms), width: 13) }

    static func padded(_ v: Int64, width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Reads the typed form of a `documents.` event from the log; nil for what the rules would
    /// have refused (a projector skips it rather than stop every view).
    static func typed(_ event: RecordedEvent) -> Application.Event? {
        guard let data = try? event.dataValue() else { return nil }
        switch event.type {
        case DocumentEvents.applicationSubmitted:
            return (try? ApplicationSubmitted(json: data)).map { .submitted($0) }
        case DocumentEvents.statusChanged:
            return (try? StatusChanged(json: data)).map { .statusChanged($0) }
        default:
            return nil
        }
    }
}
