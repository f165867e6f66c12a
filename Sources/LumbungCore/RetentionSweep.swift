public import DocumentTracking
import DomainKit
public import EventLog
import Foundation
import JSON
import PersonalData

/// How long personal data is kept after its anchor: whole years, months or days (`5y`, `18m`,
/// `90d`), added in the Gregorian calendar in UTC (5 years after 29 February 2020 is
/// 28 February 2025).
public struct RetentionPeriod: Sendable, Equatable, CustomStringConvertible {
    public enum Unit: String, Sendable { case years = "y", months = "m", days = "d" }
    public let count: Int
    public let unit: Unit

    /// The longest period accepted: 100 years (a typo such as `50000d` is refused, not obeyed).
    static let maxDays = 36_600

    /// Parses `5y`, `18m` or `90d`; anything else, zero, or more than 100 years is refused with
    /// a message naming what is wrong.
    public init(parsing text: String) throws(RetentionRefusal) {
        guard let last = text.last, let unit = Unit(rawValue: String(last)),
            let count = Int(text.dropLast()), text.dropLast().allSatisfy(\.isASCIIDigit)
        else {
            throw RetentionRefusal(
                "\"\(text)\" is not a retention period: a whole number and y (years), m (months) or d (days), e.g. 5y")
        }
        let days =
            switch unit {
            case .years: count.multipliedReportingOverflow(by: 366).partialValue
            case .months: count.multipliedReportingOverflow(by: 31).partialValue
            case .days: count
            }
        guard count > 0, count <= Self.maxDays, days <= Self.maxDays else {
            throw RetentionRefusal("\"\(text)\": a retention period must be at least 1 day and at most 100 years")
        }
        self.count = count
        self.unit = unit
    }

    public var description: String { "\(count)\(unit.rawValue)" }

    /// `start` plus this period.
    public func end(from start: Timestamp) -> Timestamp {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: Double(start.millisecondsSince1970) / 1000)
        var step = DateComponents()
        switch unit {
        case .years: step.year = count
        case .months: step.month = count
        case .days: step.day = count
        }
        let end = calendar.date(byAdding: step, to: date)!
        return Timestamp(millisecondsSince1970: Int64((end.timeIntervalSince1970 * 1000).rounded()))
    }
}

/// A retention setting that cannot be used (a message naming the problem).
public struct RetentionRefusal: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

/// What is kept how long, by type of personal data. Today one type: the applicant of a documents
/// application (NIK, name, phone, e-mail), kept `applications` after the application reached a
/// final status (`collected`, or `rejected`).
public struct RetentionPolicy: Sendable, Equatable {
    public var applications: RetentionPeriod?
    public init(applications: RetentionPeriod? = nil) { self.applications = applications }
    public var isEmpty: Bool { applications == nil }
}

/// What a retention sweep found: the subjects past retention, and why the others are kept.
public struct SweepPlan: Sendable {
    public struct Due: Sendable {
        public var subject: String
        /// The subject's applications (receipt numbers), every one final.
        public var receipts: [String]
        /// When the last of them reached its final status (`changedAt`).
        public var finalAt: Timestamp
        /// `finalAt` plus the retention period: at or before the sweep's `asOf`.
        public var dueAt: Timestamp
    }
    public var asOf: Timestamp
    public var due: [Due] = []
    /// Subjects with an application not yet final (`submitted` ... `ready`): kept, whatever its age.
    public var open = 0
    /// Subjects whose every application is final, but not long enough ago.
    public var notDue = 0
    /// Subjects already forgotten (by a request, or an earlier sweep).
    public var alreadyForgotten = 0
    /// Subjects whose key this vault never held (made elsewhere: a replica's vault).
    public var notHeld = 0
}

extension PrivacyOffice {
    /// The subjects past `policy` at `asOf`, read from the log itself (not a view): for each
    /// subject, its applications (`documents.application-submitted` naming it) and the final
    /// status change of each (`documents.status-changed` to `collected` or `rejected`). A subject
    /// is due when every one of its applications is final and the last became final at least the
    /// retention period before `asOf`; one application still open keeps all of the subject's data
    /// (they share one key). Applications written before the vault (`nikHash` only, no subject)
    /// count for the subject `privacy migrate` linked them to (`privacy.legacy-subject-linked`);
    /// unlinked, they are not the vault's to erase and are not counted.
    public func planSweep(_ policy: RetentionPolicy, asOf: Timestamp) throws -> SweepPlan {
        var plan = SweepPlan(asOf: asOf)
        guard let period = policy.applications else { return plan }
        var receiptsOf: [String: [String]] = [:]
        var finalAt: [String: Timestamp] = [:]
        let types = [DocumentEvents.applicationSubmitted, DocumentEvents.statusChanged, DocumentEvents.legacySubjectLinked]
        try services.store.forEachRecord(EventFilter(types: Set(types))) { view in
            guard let event = try? view.decode(), let data = try? event.dataValue() else { return true }
            if event.type == DocumentEvents.legacySubjectLinked {
                if let link = try? LegacySubjectLink.read(data) { receiptsOf[link.subject, default: []] += link.receiptNumbers }
                return true
            }
            guard let typed = try? Application.Event.read(type: event.type, data: data) else { return true }
            switch typed {
            case .submitted(let e):
                if let subject = e.applicant.subject { receiptsOf[subject, default: []].append(e.receiptNumber) }
            case .statusChanged(let e) where e.to.isFinal:
                finalAt[e.receiptNumber] = e.changedAt
            default: break
            }
            return true
        }
        for (subject, receipts) in receiptsOf.sorted(by: { $0.key < $1.key }) {
            guard try vault.hasKey(subject) else {
                if try vault.isForgotten(subject) || logForgot(subject) { plan.alreadyForgotten += 1 } else { plan.notHeld += 1 }
                continue
            }
            let finals = receipts.compactMap { finalAt[$0] }
            guard finals.count == receipts.count, let last = finals.max() else {
                plan.open += 1
                continue
            }
            let dueAt = period.end(from: last)
            guard dueAt <= asOf else {
                plan.notDue += 1
                continue
            }
            plan.due.append(SweepPlan.Due(subject: subject, receipts: receipts, finalAt: last, dueAt: dueAt))
        }
        return plan
    }
}
