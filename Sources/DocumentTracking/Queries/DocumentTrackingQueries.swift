public import Crypto
import DomainKit
public import EventLog
import Foundation
public import Projections

/// The read side of document tracking: functions over a `ViewReader` of one view (live views, or
/// a replay into a temporary environment), returning `Codable & Sendable` values that the HTTP API
/// and `lumbung replay` print as JSON. Each function says which view's reader it takes.
public enum DocumentTrackingQueries {
    static let day: Int64 = 86_400_000

    // MARK: documents.applications

    /// The public status and timeline of an application, only when `pin` is its PIN.
    ///
    /// `view` is a reader of `documents.applications`. The receipt number is normalized as a
    /// resident may type it (`ReceiptNumber.normalize`). The PIN's keyed hash is compared with
    /// the stored one in constant time, and an unknown receipt number costs the same work as a
    /// known one: an unknown receipt, a wrong PIN and a malformed PIN all give nil, which the
    /// service answers with the same 404.
    public static func lookup(_ view: ViewReader, receiptNumber: String, pin: String, secret: SymmetricKey) throws -> PublicApplication? {
        try lookupJSON(view, receiptNumber: receiptNumber, pin: pin, secret: secret).map {
            try ViewCoding.decode(PublicApplication.self, $0)
        }
    }

    /// As `lookup`, answering the stored JSON of the `PublicApplication` (sorted keys, the form
    /// `ViewCoding` writes and the API answers) without decoding it: the hot path of cek resi.
    public static func lookupJSON(_ view: ViewReader, receiptNumber: String, pin: String, secret: SymmetricKey) throws -> [UInt8]? {
        try lookupJSON(view, receiptNumber: receiptNumber, pin: pin, key: DocumentSecrets.PreparedKey(secret))
    }

    /// As `lookupJSON(_:receiptNumber:pin:secret:)` with the secret's key schedule done once.
    public static func lookupJSON(_ view: ViewReader, receiptNumber: String, pin: String, key: DocumentSecrets.PreparedKey) throws
        -> [UInt8]?
    {
        try lookupJSON(view, credential: LookupCredential(receiptNumber: receiptNumber, pin: pin, key: key))
    }

    /// As `lookupJSON(_:receiptNumber:pin:key:)` with the credential already made (its HMAC once).
    public static func lookupJSON(_ view: ViewReader, credential: LookupCredential) throws -> [UInt8]? {
        let stored = try credential.receipt.flatMap { try view.get("pins", $0) }
        // Compared even when nothing is stored: a value that no hex hash can equal.
        let matches = credential.matches(stored ?? unmatchable)
        guard let receipt = credential.receipt, stored != nil, matches, credential.wellFormed else { return nil }
        return try view.get("applications", receipt)
    }

    private static let unmatchable = [UInt8](repeating: UInt8(ascii: "x"), count: 64)

    /// An application's public record without the PIN check, for officers (never for the public
    /// route). `view` is a reader of `documents.applications`.
    public static func application(_ view: ViewReader, receiptNumber: String) throws -> PublicApplication? {
        guard let receipt = ReceiptNumber.normalize(receiptNumber) else { return nil }
        return try view.value(PublicApplication.self, "applications", receipt)
    }

    // MARK: documents.queue

    /// The queue of `office` at `asOf`: per status, the count and (for open statuses) up to
    /// `limit` applications, oldest submission first, with their age in whole days and whether
    /// they are over `sla`. Nil for an office that is not in `Office.all`.
    /// `view` is a reader of `documents.queue`.
    public static func queue(
        _ view: ViewReader, office: String, asOf: Timestamp, sla: SLATable = .mataram, limit: Int = 500
    ) throws -> OfficeQueue? {
        guard let known = Office.named(office) else { return nil }
        var statuses: [QueueStatus] = []
        var open = 0
        for status in ApplicationStatus.allCases {
            let count = try view.value(Int.self, "counts", QueueProjector.countKey(office: office, status: status)) ?? 0
            var listed: [QueuedApplication] = []
            if !status.isFinal {
                open += count
                try view.scanValues(QueueItem.self, "items", prefix: QueueProjector.itemPrefix(office: office, status: status)) { _, item in
                    guard listed.count < limit else { return false }
                    listed.append(queued(item, asOf: asOf, sla: sla))
                    return true
                }
            }
            statuses.append(QueueStatus(status: status, count: count, applications: listed, truncated: listed.count < count))
        }
        return OfficeQueue(office: office, officeName: known.shortName, asOf: asOf.description, statuses: statuses, open: open)
    }

    static func queued(_ item: QueueItem, asOf: Timestamp, sla: SLATable) -> QueuedApplication {
        let submitted = item.submittedAtTime.millisecondsSince1970
        let since = item.sinceTime.millisecondsSince1970
        let now = asOf.millisecondsSince1970
        let over: Bool
        if let days = sla.days(for: item.documentType) {
            let elapsed = item.status == .ready ? since - submitted : now - submitted
            over = elapsed > Int64(days) * day
        } else {
            over = false
        }
        return QueuedApplication(
            receiptNumber: item.receiptNumber, documentType: item.documentType, submittedAt: item.submittedAt,
            ageDays: Int(max(0, now - submitted) / day), daysInStatus: Int(max(0, now - since) / day), overSLA: over)
    }

    /// Counts per status of every office (offices of `Office.all` first, in its order, also when
    /// empty). `view` is a reader of `documents.queue`.
    public static func queueSummary(_ view: ViewReader) throws -> [OfficeQueueCounts] {
        var byOffice: [String: [String: Int]] = [:]
        try view.scanValues(Int.self, "counts") { key, n in
            let parts = ViewKey.split(key)
            if parts.count == 2 { byOffice[parts[0], default: [:]][parts[1]] = n }
            return true
        }
        let others = byOffice.keys.filter { Office.named($0) == nil }.sorted()
        return (Office.all.map(\.id) + others).map { id in
            let counts = byOffice[id] ?? [:]
            let open = counts.filter { ApplicationStatus(rawValue: $0.key).map { !$0.isFinal } ?? false }.values.reduce(0, +)
            return OfficeQueueCounts(office: id, officeName: Office.named(id)?.shortName ?? id, counts: counts, open: open)
        }
    }

    // MARK: documents.processing

    /// Processing time per document type (every type of `DocumentType`, in declaration order),
    /// judged against `sla`. `view` is a reader of `documents.processing`.
    public static func processing(_ view: ViewReader, sla: SLATable = .mataram) throws -> ProcessingReport {
        ProcessingReport(types: try DocumentType.allCases.map { try processing(view, documentType: $0, sla: sla) })
    }

    /// Processing time of one document type. `view` is a reader of `documents.processing`.
    public static func processing(_ view: ViewReader, documentType: DocumentType, sla: SLATable = .mataram) throws -> ProcessingStats {
        var durations: [Int64] = []
        try view.scanValues(ProcessingDone.self, "durations", prefix: ViewKey.prefix(documentType.rawValue)) { _, done in
            durations.append(done.milliseconds)
            return true
        }
        durations.sort()  // keys are already in this order; sorting again keeps the contract local
        let slaDays = sla.days(for: documentType)
        let over = slaDays.map { d in durations.count(where: { $0 > Int64(d) * day }) } ?? 0
        let n = durations.count
        guard n > 0 else {
            return ProcessingStats(
                documentType: documentType, count: 0, medianDays: nil, p90Days: nil, slaDays: slaDays, overSLA: 0, overSLAShare: nil)
        }
        let median = n % 2 == 1 ? Double(durations[n / 2]) : (Double(durations[n / 2 - 1]) + Double(durations[n / 2])) / 2
        let p90 = Double(Self.p90(durations))
        return ProcessingStats(
            documentType: documentType, count: n, medianDays: rounded(median / Double(day), 100),
            p90Days: rounded(p90 / Double(day), 100), slaDays: slaDays, overSLA: over,
            overSLAShare: rounded(Double(over) / Double(n), 10_000))
    }

    /// The 90th percentile of non-empty sorted `values` by nearest rank: the value at rank
    /// ceil(0.9 x count).
    static func p90(_ sorted: [Int64]) -> Int64 { sorted[max(1, (9 * sorted.count + 9) / 10) - 1] }

    static func rounded(_ x: Double, _ scale: Double) -> Double { (x * scale).rounded() / scale }
}
