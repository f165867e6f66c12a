import Crypto
import DomainKit
import EventLog
import JSON

/// The write side of document tracking for the HTTP API: one case per command.
///
/// Names and bodies (the body carries the event's data fields; the server makes the rest):
/// - `submit-application`: `{"documentType", "office", "channel", "applicant": {"nik"},
///   "submittedAt"?}`. The server makes the receipt number and the PIN; the NIK and the PIN
///   reach the log only as keyed hashes. Answer ids `receiptNumber`, secrets `pin` (shown once).
/// - `change-status`: `{"receiptNumber", "to", "reason"?, "officer", "changedAt"?, "from"?}`.
///   `from` is taken from the current state (when given, it must equal it). Answer ids
///   `receiptNumber`.
public enum DocumentTrackingCommand: Sendable {
    case submitApplication(SubmitApplication)
    case changeStatus(ChangeStatus)

    public static let submitApplicationName = "submit-application"
    public static let changeStatusName = "change-status"
    /// Every command name.
    public static let names = [submitApplicationName, changeStatusName]

    /// Reads a command from its name and HTTP body. `.invalidInput` errors name the body field
    /// (`applicant.nik`, `documentType`); an unknown name is reported on field `command`.
    public static func parse(_ name: String, body: JSONValue) throws(EventLogError) -> DocumentTrackingCommand {
        switch name {
        case submitApplicationName: return .submitApplication(try SubmitApplication(body: body))
        case changeStatusName: return .changeStatus(try ChangeStatus(body: body))
        default:
            throw EventLogError(
                .invalidInput, "command: \"\(name.prefix(60))\" is not a document tracking command; known: \(names.joined(separator: ", "))",
                field: "command")
        }
    }
}

/// A resident's application, as the counter or the online form sends it. Holds the NIK in clear
/// only in memory, until `decide` hashes it; its `description` masks it.
public struct SubmitApplication: Sendable, Equatable, CustomStringConvertible {
    public var documentType: DocumentType
    /// An `Office.id`.
    public var office: String
    public var channel: ApplicationChannel
    /// The applicant's NIK: 16 digits.
    public var nik: String
    /// Defaults to the time of the decision.
    public var submittedAt: Timestamp?

    public init(documentType: DocumentType, office: String, channel: ApplicationChannel, nik: String, submittedAt: Timestamp? = nil) {
        self.documentType = documentType
        self.office = office
        self.channel = channel
        self.nik = nik
        self.submittedAt = submittedAt
    }

    static let fields: Set<String> = ["documentType", "office", "channel", "applicant", "submittedAt"]

    init(body: JSONValue) throws(EventLogError) {
        let f = try PayloadFields(body, path: "")
        try f.refuseUnknown(
            Self.fields,
            hints: [
                "receiptNumber": "the receipt number is made by the server; do not send one",
                "pinHash": "the PIN is made by the server; do not send one",
                "pin": "the PIN is made by the server; do not send one",
            ])
        let office = try f.string("office")
        guard Office.named(office) != nil else {
            throw f.invalid("office", "\"\(office.prefix(60))\" is not an office; known: \(Office.allowedList)")
        }
        let applicant = try f.object("applicant")
        try applicant.refuseUnknown(
            ["nik"], hints: ["nikHash": "send the NIK as applicant.nik; the server hashes it"])
        guard let v = applicant.value("nik"), !v.isNull else { throw applicant.invalid("nik", "is required") }
        guard case .string(let nik) = v else { throw applicant.invalid("nik", "must be a string of 16 digits") }
        try Self.checkNIK(nik, field: applicant.field("nik"))
        self.init(
            documentType: try f.enumeration("documentType", DocumentType.self, allowed: DocumentType.allowedList),
            office: office,
            channel: try f.enumeration("channel", ApplicationChannel.self, allowed: ApplicationChannel.allowedList),
            nik: nik, submittedAt: try f.optionalTimestamp("submittedAt"))
    }

    /// A NIK (Nomor Induk Kependudukan) is 16 digits. The message never repeats the NIK.
    static func checkNIK(_ nik: String, field: String) throws(EventLogError) {
        let b = nik.utf8
        guard b.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw PayloadFields.invalid(field, "a NIK has only digits (16 of them, as on the KTP-el or KK)")
        }
        guard b.count == 16 else {
            throw PayloadFields.invalid(field, "a NIK has 16 digits (as on the KTP-el or KK), this one has \(b.count)")
        }
    }

    public var description: String {
        let masked = nik.count == 16 ? String(nik.prefix(4)) + "********" + String(nik.suffix(4)) : "****"
        return "SubmitApplication(\(documentType.rawValue) at \(office) via \(channel.rawValue), nik \(masked))"
    }
}

/// An officer moving an application along its lifecycle.
public struct ChangeStatus: Sendable, Equatable {
    /// Canonical form (what a resident typed is normalized: case, `O`/`I`/`L` look-alikes).
    public var receiptNumber: String
    /// When given, must be the current status; nil takes it from the state.
    public var from: ApplicationStatus?
    public var to: ApplicationStatus
    /// Required when `to` is `revision-requested` or `rejected`.
    public var reason: String?
    public var officer: String
    /// Defaults to the time of the decision.
    public var changedAt: Timestamp?

    public init(
        receiptNumber: String, from: ApplicationStatus? = nil, to: ApplicationStatus, reason: String? = nil,
        officer: String, changedAt: Timestamp? = nil
    ) {
        self.receiptNumber = receiptNumber
        self.from = from
        self.to = to
        self.reason = reason
        self.officer = officer
        self.changedAt = changedAt
    }

    static let fields: Set<String> = ["receiptNumber", "from", "to", "reason", "officer", "changedAt"]

    init(body: JSONValue) throws(EventLogError) {
        let f = try PayloadFields(body, path: "")
        try f.refuseUnknown(Self.fields)
        let typed = try f.string("receiptNumber")
        guard let receipt = ReceiptNumber.normalize(typed) else {
            throw f.invalid("receiptNumber", "\"\(typed.prefix(40))\" is not a receipt number (MTR- and 10 characters)")
        }
        let from: ApplicationStatus? =
            f.has("from") && !(f.value("from")?.isNull ?? true)
            ? try f.enumeration("from", ApplicationStatus.self, allowed: ApplicationStatus.allowedList) : nil
        self.init(
            receiptNumber: receipt, from: from,
            to: try f.enumeration("to", ApplicationStatus.self, allowed: ApplicationStatus.allowedList),
            reason: try f.optionalString("reason", maxLength: StatusChanged.maxReasonLength),
            officer: try f.string("officer", maxLength: 100), changedAt: try f.optionalTimestamp("changedAt"))
    }
}

/// What a command decided: the events to append (all or nothing), the ids made (`receiptNumber`)
/// and the secrets to show the caller once (`pin`), never stored in clear.
public struct Decision: Sendable {
    public let events: [ProposedEvent]
    public let ids: [String: String]
    public let secrets: [String: String]

    public init(events: [ProposedEvent], ids: [String: String], secrets: [String: String]) {
        self.events = events
        self.ids = ids
        self.secrets = secrets
    }
}

extension DocumentTrackingCommand {
    /// How far in the future a given `submittedAt`/`changedAt` may lie (clock skew).
    static let futureTolerance: Int64 = 5 * 60 * 1000

    /// Decides `command` on the current state of `rules` (call it inside
    /// `RuleGuard.withCurrentState`). Rule errors name the body field (`to`, `reason`, `from`).
    func decide(
        rules: DocumentTrackingRules, secret: SymmetricKey, now: Timestamp, using generator: inout some RandomNumberGenerator
    ) throws(EventLogError) -> Decision {
        switch self {
        case .submitApplication(let c):
            let submittedAt = c.submittedAt ?? now
            try Self.notFuture(submittedAt, now: now, field: "submittedAt")
            var receipt = ReceiptNumber.random(using: &generator)
            var tries = 1
            while rules.state(of: receipt).status != nil {
                guard tries < 16 else {
                    throw EventLogError(.storage, "could not make an unused receipt number; try again")
                }
                receipt = ReceiptNumber.random(using: &generator)
                tries += 1
            }
            let pin = Self.pinText(UInt32.random(in: 0..<1_000_000, using: &generator))
            let event = ApplicationSubmitted(
                receiptNumber: receipt, documentType: c.documentType, office: c.office, channel: c.channel,
                applicant: Applicant(nikHash: DocumentSecrets.nikHash(nik: c.nik, secret: secret)),
                pinHash: DocumentSecrets.pinHash(receiptNumber: receipt, pin: pin, secret: secret),
                submittedAt: submittedAt)
            let events = try Self.bodyErrors { () throws(EventLogError) in
                try Application.decide(.submit(event), rules.state(of: receipt))
            }
            return Decision(
                events: try events.map { e throws(EventLogError) in try Self.proposed(e, expectedVersion: .noStream) },
                ids: ["receiptNumber": receipt], secrets: ["pin": pin])

        case .changeStatus(let c):
            let changedAt = c.changedAt ?? now
            try Self.notFuture(changedAt, now: now, field: "changedAt")
            let events = try Self.bodyErrors { () throws(EventLogError) in
                try Application.decide(
                    .changeStatus(
                        receiptNumber: c.receiptNumber, from: c.from, to: c.to, reason: c.reason, officer: c.officer,
                        changedAt: changedAt),
                    rules.state(of: c.receiptNumber))
            }
            return Decision(
                events: try events.map { e throws(EventLogError) in try Self.proposed(e, expectedVersion: .exists) },
                ids: ["receiptNumber": c.receiptNumber], secrets: [:])
        }
    }

    static func proposed(_ e: Application.Event, expectedVersion: ExpectedVersion) throws(EventLogError) -> ProposedEvent {
        try ProposedEvent(
            stream: DocumentEvents.stream(receiptNumber: e.receiptNumber), type: e.type, value: e.json,
            occurredAt: e.occurredAt, expectedVersion: expectedVersion)
    }

    /// Six digits, leading zeros kept.
    static func pinText(_ value: UInt32) -> String {
        let s = String(value % 1_000_000)
        return String(repeating: "0", count: 6 - s.count) + s
    }

    static func notFuture(_ t: Timestamp, now: Timestamp, field: String) throws(EventLogError) {
        if t.millisecondsSince1970 > now.millisecondsSince1970 + futureTolerance {
            throw PayloadFields.invalid(field, "\(t) is in the future (now is \(now))")
        }
    }

    /// Runs `body`, reporting its `data.`-fields as fields of the command's body.
    static func bodyErrors<R>(_ body: () throws(EventLogError) -> R) throws(EventLogError) -> R {
        do {
            return try body()
        } catch {
            guard let field = error.field, field.hasPrefix("data.") else { throw error }
            let message = error.message.hasPrefix("data.") ? String(error.message.dropFirst(5)) : error.message
            throw EventLogError(error.code, message, field: String(field.dropFirst(5)))
        }
    }
}
