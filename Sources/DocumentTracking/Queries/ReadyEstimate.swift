public import DomainKit
public import EventLog
import JSON
public import Projections

/// When an open application should be ready, from how long the same office took for the same
/// document type lately: the resident reads "perkiraan siap 14-17 Agustus" instead of coming back
/// to ask. Dates are local (WITA, UTC+8).
public struct ReadyEstimate: Codable, Sendable, Equatable {
    /// What the estimate rests on.
    public enum Basis: String, Codable, Sendable {
        /// The office's latest completions of this document type.
        case office
        /// Too few of those: the city's latest completions of this type.
        case city
        /// No completion yet: the service target alone.
        case sla
    }

    /// The median of what remains to wait (given the time already waited), as a day.
    public var earliest: CivilDate
    /// The 90th percentile of it.
    public var latest: CivilDate
    public var basis: Basis
    /// How many completed applications the percentiles come from (0 for `sla`).
    public var sampleSize: Int
    /// The office's service target for the type, in days, if any, and the day it falls on.
    public var slaDays: Int?
    public var slaDue: CivilDate?
    /// Every completion in the sample took less time than this application has already waited:
    /// `earliest` and `latest` are the present day of the data.
    public var overdue: Bool
}

extension DocumentTrackingQueries {
    /// Completions of one office and type to draw percentiles from (the latest first).
    static let estimateSample = 100
    /// Fewer completions than this for the office: the city's are used instead.
    static let estimateMinimumSample = 5

    /// The estimate for `application` (nil when it is no longer waiting: ready, collected or
    /// rejected). `processing` is a reader of `documents.processing`.
    ///
    /// Percentiles are taken of the durations longer than what the application has already waited
    /// (up to the latest event the view has seen, the present of the data), so an application
    /// that has waited long gets the dates of those that waited as long: a conditional estimate,
    /// not a fixed date that slips by.
    public static func estimate(_ processing: ViewReader, application: PublicApplication, sla: SLATable = .mataram) throws
        -> ReadyEstimate?
    {
        try estimate(
            processing, status: application.status, submittedAt: application.submittedAt, office: application.office,
            documentType: application.documentType, sla: sla)
    }

    /// Whether an application in `status` waits for anything (not ready, collected or rejected).
    static func isWaiting(_ status: ApplicationStatus) -> Bool { ![.ready, .collected, .rejected].contains(status) }

    /// As `estimate(_:application:sla:)`, from the fields it reads.
    static func estimate(
        _ processing: ViewReader, status: ApplicationStatus, submittedAt: String, office: String, documentType: DocumentType,
        sla: SLATable
    ) throws -> ReadyEstimate? {
        guard isWaiting(status), let submitted = Timestamp(submittedAt) else { return nil }
        let now = try processing.get("clock", "now").flatMap { Timestamp(String(decoding: $0, as: UTF8.self)) } ?? submitted
        let waited = max(0, now.millisecondsSince1970 - submitted.millisecondsSince1970)
        func dayAfter(_ ms: Int64) -> CivilDate {
            CivilDate(Timestamp(millisecondsSince1970: submitted.millisecondsSince1970 + ms), offsetHours: CivilDate.witaOffsetHours)
        }
        let today = dayAfter(waited)
        let slaDays = sla.days(for: documentType)
        let slaDue = slaDays.map { dayAfter(Int64($0) * day) }

        // The latest completions of the office, else of the city (at most `estimateSample` either
        // way: a lookup's cost does not grow with the log).
        func latest(_ place: String) throws -> [Int64] {
            var durations: [Int64] = []
            try processing.scan("recent", prefix: ViewKey.prefix(place, documentType.rawValue), reverse: true) { _, value in
                durations.append(Int64(String(decoding: value, as: UTF8.self)) ?? 0)
                return durations.count < estimateSample
            }
            return durations
        }
        var basis = ReadyEstimate.Basis.office
        var durations = try latest(office)
        if durations.count < estimateMinimumSample {
            basis = .city
            durations = try latest(ProcessingProjector.wholeCity)
        }
        guard !durations.isEmpty else {
            guard let slaDays, let slaDue else { return nil }
            let due = max(slaDue, today)
            return ReadyEstimate(
                earliest: due, latest: due, basis: .sla, sampleSize: 0, slaDays: slaDays, slaDue: slaDue, overdue: today > slaDue)
        }
        let remaining = durations.filter { $0 > waited }.sorted()
        guard !remaining.isEmpty else {
            return ReadyEstimate(
                earliest: today, latest: today, basis: basis, sampleSize: durations.count, slaDays: slaDays, slaDue: slaDue, overdue: true)
        }
        let n = remaining.count
        let median = remaining[(n - 1) / 2]
        let p90 = Self.p90(remaining)
        return ReadyEstimate(
            earliest: dayAfter(median), latest: dayAfter(p90), basis: basis, sampleSize: durations.count, slaDays: slaDays,
            slaDue: slaDue, overdue: false)
    }
}

extension DocumentTrackingQueries {
    /// The public record of a lookup (its stored bytes) with its `estimate` member added when the
    /// application is still waiting; the record as it is otherwise. Members stay in sorted order
    /// (RFC 8785), as the stored record is.
    public static func withEstimate(_ record: [UInt8], processing: ViewReader, sla: SLATable = .mataram) throws -> [UInt8] {
        // Read with the log's parser, not Codable: a finished application (most lookups) costs one
        // parse and no view read.
        guard case .object(var members) = try JSONParser.parse(record),
            let status = members.first(where: { $0.key == "status" })?.value.stringValue.flatMap(ApplicationStatus.init(rawValue:)),
            isWaiting(status),
            let submittedAt = members.first(where: { $0.key == "submittedAt" })?.value.stringValue,
            let office = members.first(where: { $0.key == "office" })?.value.stringValue,
            let type = members.first(where: { $0.key == "documentType" })?.value.stringValue.flatMap(DocumentType.init(rawValue:)),
            let estimate = try estimate(processing, status: status, submittedAt: submittedAt, office: office, documentType: type, sla: sla)
        else { return record }
        members.append((key: "estimate", value: JSONValueEncoder().encode(estimate)))
        return CanonicalJSON.encode(.object(members))
    }
}
