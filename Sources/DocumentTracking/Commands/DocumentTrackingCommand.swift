import Crypto
public import DomainKit
public import EventLog
public import JSON
import PersonalData

/// The write side of document tracking for the HTTP API: one case per command.
///
/// Names and bodies (the body carries the event's data fields; the server makes the rest):
/// - `submit-application` (`SubmitApplication`). The server makes the receipt number and the PIN;
///   the NIK and the PIN reach the log only as keyed hashes. Answer ids `receiptNumber`, secrets
///   `pin` (shown once).
/// - `change-status` (`ChangeStatus`). Answer ids `receiptNumber`.
/// - `reissue-pin` (`ReissuePin`). The server makes a new PIN; the old one stops working. Answer
///   ids `receiptNumber`, secrets `pin` (shown once).
public enum DocumentTrackingCommand: DomainCommand, Sendable {
    case submitApplication(SubmitApplication)
    case changeStatus(ChangeStatus)
    case reissuePin(ReissuePin)

    public static let submitApplicationName = "submit-application"
    public static let changeStatusName = "change-status"
    public static let reissuePinName = "reissue-pin"
    /// Every command name.
    public static let names = [submitApplicationName, changeStatusName, reissuePinName]

    /// Reads a command from its name and HTTP body. `.invalidInput` errors name the body field
    /// (`applicant.nik`, `documentType`); an unknown name is reported on field `command`.
    public static func parse(_ name: String, body: JSONValue) throws(EventLogError) -> DocumentTrackingCommand {
        switch name {
        case submitApplicationName: return .submitApplication(try SubmitApplication(body: body))
        case changeStatusName: return .changeStatus(try ChangeStatus(body: body))
        case reissuePinName: return .reissuePin(try ReissuePin(body: body))
        default:
            throw EventLogError(
                .invalidInput,
                "command: \"\(name.prefix(60))\" is not a document tracking command; known: \(names.joined(separator: ", "))",
                field: "command")
        }
    }
}

extension DocumentTrackingCommand {
    /// How far in the future a given `submittedAt`/`changedAt` may lie (clock skew).
    static let futureTolerance: Int64 = 5 * 60 * 1000

    /// Decides `command` on the current state of `rules` (call it inside
    /// `RuleGuard.withCurrentState`). Rule errors name the body field (`to`, `reason`, `from`).
    func decide(
        rules: DocumentTrackingRules, secret: SymmetricKey, vault: Vault? = nil, now: Timestamp,
        using generator: inout some RandomNumberGenerator
    ) throws(EventLogError) -> Decision {
        switch self {
        case .submitApplication(let c):
            let submittedAt = c.submittedAt ?? now
            try Self.notFuture(submittedAt, now: now, field: "submittedAt")
            var receipt = ReceiptNumber.random(using: &generator)
            var tries = 1
            while try rules.state(of: receipt).status != nil {
                guard tries < 16 else {
                    throw EventLogError(.storage, "could not make an unused receipt number; try again")
                }
                receipt = ReceiptNumber.random(using: &generator)
                tries += 1
            }
            let pin = PIN.random(using: &generator)
            let event = ApplicationSubmitted(
                receiptNumber: receipt, documentType: c.documentType, office: c.office, channel: c.channel,
                applicant: try Self.applicant(c, secret: secret, vault: vault),
                pinHash: DocumentSecrets.pinHash(receiptNumber: receipt, pin: pin, secret: secret),
                submittedAt: submittedAt, notify: c.notify.flatMap { $0.isEmpty ? nil : $0 })
            let events = try Self.bodyErrors { () throws(EventLogError) in
                try Application.decide(.submit(event), try rules.state(of: receipt))
            }
            return Decision(
                events: try events.map { e throws(EventLogError) in try e.proposed(expectedVersion: .noStream) },
                ids: ["receiptNumber": receipt], secrets: ["pin": pin])

        case .changeStatus(let c):
            let changedAt = c.changedAt ?? now
            try Self.notFuture(changedAt, now: now, field: "changedAt")
            let events = try Self.bodyErrors { () throws(EventLogError) in
                try Application.decide(
                    .changeStatus(
                        receiptNumber: c.receiptNumber, from: c.from, to: c.to, reasonCode: c.reasonCode, reason: c.reason,
                        officer: c.officer,
                        changedAt: changedAt),
                    try rules.state(of: c.receiptNumber))
            }
            return Decision(
                events: try events.map { e throws(EventLogError) in try e.proposed(expectedVersion: .exists) },
                ids: ["receiptNumber": c.receiptNumber])

        case .reissuePin(let c):
            let reissuedAt = c.reissuedAt ?? now
            try Self.notFuture(reissuedAt, now: now, field: "reissuedAt")
            let pin = PIN.random(using: &generator)
            let event = PinReissued(
                receiptNumber: c.receiptNumber, pinHash: DocumentSecrets.pinHash(receiptNumber: c.receiptNumber, pin: pin, secret: secret),
                officer: c.officer, reissuedAt: reissuedAt)
            let events = try Self.bodyErrors { () throws(EventLogError) in
                try Application.decide(.reissuePin(event), try rules.state(of: c.receiptNumber))
            }
            return Decision(
                events: try events.map { e throws(EventLogError) in try e.proposed(expectedVersion: .exists) },
                ids: ["receiptNumber": c.receiptNumber], secrets: ["pin": pin])
        }
    }

    /// The applicant as the log will hold them: with a vault, the subject found (or made) by the
    /// NIK's blind index and every personal field sealed under its key; without one (tests, the
    /// scenario), only the NIK's keyed hash, and a name, phone or e-mail is refused.
    static func applicant(_ c: SubmitApplication, secret: SymmetricKey, vault: Vault?) throws(EventLogError) -> Applicant {
        guard let vault else {
            for (field, value) in [("applicant.name", c.name), ("applicant.phone", c.phone), ("applicant.email", c.email)]
            where value != nil {
                throw EventLogError(.invalidInput, "\(field): this domain has no vault to seal personal data in", field: field)
            }
            return Applicant(nikHash: DocumentSecrets.nikHash(nik: c.nik, secret: secret))
        }
        do {
            // A person whose applications from before the vault were linked to a subject
            // (`privacy migrate`) and who has no `nik` subject yet applies under that subject.
            if try vault.subject(.nik, c.nik) == nil,
                let legacy = try vault.subject(.legacyNikHash, DocumentSecrets.nikHash(nik: c.nik, secret: secret)),
                let sealed = try? Applicant.sealed(nik: c.nik, name: c.name, phone: c.phone, email: c.email, subject: legacy, in: vault)
            {
                return sealed
            }
            return try Applicant.sealed(nik: c.nik, name: c.name, phone: c.phone, email: c.email, in: vault)
        } catch {
            throw EventLogError(.storage, "the vault could not seal the applicant's data: \(error)")
        }
    }

    static func notFuture(_ t: Timestamp, now: Timestamp, field: String) throws(EventLogError) {
        if t.millisecondsSince1970 > now.millisecondsSince1970 + futureTolerance {
            throw EventLogError(.invalidInput, "\(field): \(t) is in the future (now is \(now))", field: field)
        }
    }

    /// Runs `body`, reporting its `data.`-fields as fields of the command's body.
    static func bodyErrors<R>(_ body: () throws(EventLogError) -> R) throws(EventLogError) -> R {
        do {
            return try body()
        } catch {
            throw error.namingBodyFields
        }
    }
}
