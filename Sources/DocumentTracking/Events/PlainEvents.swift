public import DomainKit
import EventLog
import JSON
import PersonalData

/// The most common events of an application read from their stored bytes without `Codable`
/// (`PlainObject`): a status change and a notification's outcome are nine in ten of document
/// tracking's events in a large log. Each reader takes only a payload the strict reader
/// (`Application.Event.read(type:data:)`) reads alike, and returns nil for anything else, which the
/// caller leaves to the strict reader.
extension StatusChanged {
    /// The rules of its text fields, looked up once.
    private static let plainRules = (
        receiptNumber: rule(forKey: "receiptNumber"), reason: rule(forKey: "reason"), officer: rule(forKey: "officer"),
        changedAt: rule(forKey: "changedAt")
    )

    /// The status change in `bytes` when it is plainly valid; nil otherwise.
    static func plainlyValid(_ bytes: [UInt8]) -> StatusChanged? {
        let rules = plainRules
        var receiptNumber: String?
        var reason: String?
        var officer: String?
        var from: ApplicationStatus?
        var to: ApplicationStatus?
        var reasonCode: ReasonCode?
        var changedAt: Timestamp?
        let plain = PlainObject.forEachMember(bytes) { name, value in
            switch name.count {
            case 2 where PlainObject.name(name, is: "to"): PlainObject.take(&to, PlainField.choice(value, ApplicationStatus.self))
            case 4 where PlainObject.name(name, is: "from"): PlainObject.take(&from, PlainField.choice(value, ApplicationStatus.self))
            case 6 where PlainObject.name(name, is: "reason"): PlainObject.take(&reason, PlainField.text(value, rules.reason))
            case 7 where PlainObject.name(name, is: "officer"): PlainObject.take(&officer, PlainField.text(value, rules.officer))
            case 9 where PlainObject.name(name, is: "changedAt"): PlainObject.take(&changedAt, PlainField.time(value, rules.changedAt))
            case 10 where PlainObject.name(name, is: "reasonCode"): PlainObject.take(&reasonCode, PlainField.choice(value, ReasonCode.self))
            case 13 where PlainObject.name(name, is: "receiptNumber"):
                PlainObject.take(&receiptNumber, PlainField.text(value, rules.receiptNumber))
            default: false
            }
        }
        guard plain, let receiptNumber, let from, let to, let officer, let changedAt else { return nil }
        return StatusChanged(
            receiptNumber: receiptNumber, from: from, to: to, reasonCode: reasonCode, reason: reason, officer: officer, changedAt: changedAt
        )
    }
}

extension NotificationRecorded {
    private static let plainRules = (
        receiptNumber: rule(forKey: "receiptNumber"), delivery: rule(forKey: "delivery"), at: rule(forKey: "at"),
        attempt: rule(forKey: "attempt"), error: rule(forKey: "error"), nextAttemptAt: rule(forKey: "nextAttemptAt"),
        requestedBy: rule(forKey: "requestedBy")
    )

    /// The notification's outcome in `bytes` when it is plainly valid; nil otherwise. (The rules
    /// between its fields, `check(_:)`, are the caller's, as for the strict reader.)
    static func plainlyValid(_ bytes: [UInt8]) -> NotificationRecorded? {
        let rules = plainRules
        var receiptNumber: String?
        var delivery: String?
        var error: String?
        var requestedBy: String?
        var channel: NotificationChannel?
        var at: Timestamp?
        var nextAttemptAt: Timestamp?
        var attempt: Int?
        let plain = PlainObject.forEachMember(bytes) { name, value in
            switch name.count {
            case 2 where PlainObject.name(name, is: "at"): PlainObject.take(&at, PlainField.time(value, rules.at))
            case 5 where PlainObject.name(name, is: "error"): PlainObject.take(&error, PlainField.text(value, rules.error))
            case 7 where PlainObject.name(name, is: "channel"):
                PlainObject.take(&channel, PlainField.choice(value, NotificationChannel.self))
            case 7 where PlainObject.name(name, is: "attempt"): PlainObject.take(&attempt, PlainField.integer(value, rules.attempt))
            case 8 where PlainObject.name(name, is: "delivery"): PlainObject.take(&delivery, PlainField.text(value, rules.delivery))
            case 11 where PlainObject.name(name, is: "requestedBy"):
                PlainObject.take(&requestedBy, PlainField.text(value, rules.requestedBy))
            case 13 where PlainObject.name(name, is: "receiptNumber"):
                PlainObject.take(&receiptNumber, PlainField.text(value, rules.receiptNumber))
            case 13 where PlainObject.name(name, is: "nextAttemptAt"):
                PlainObject.take(&nextAttemptAt, PlainField.time(value, rules.nextAttemptAt))
            default: false
            }
        }
        guard plain, let receiptNumber, let delivery, let channel, let at else { return nil }
        return NotificationRecorded(
            receiptNumber: receiptNumber, delivery: delivery, channel: channel, at: at, attempt: attempt, error: error,
            nextAttemptAt: nextAttemptAt, requestedBy: requestedBy)
    }
}

extension Application.Event {
    /// The event of type `type` with the stored payload `bytes`, read without `Codable` when it
    /// is a plainly valid status change or notification outcome (with the same checks as
    /// `read(type:data:)`); nil for anything else (the caller reads it strictly).
    static func plainlyValid(type: String, bytes: [UInt8]) -> Application.Event? {
        if type == DocumentEvents.statusChanged { return StatusChanged.plainlyValid(bytes).map { .statusChanged($0) } }
        guard let outcome = DocumentEvents.notificationOutcome(type), let e = NotificationRecorded.plainlyValid(bytes),
            (try? e.check(outcome)) != nil
        else { return nil }
        return .notification(outcome, e)
    }
}

extension ApplicationSubmitted {
    /// The rules of its fields and of its applicant's, looked up once.
    fileprivate static let plainRules = (
        receiptNumber: rule(forKey: "receiptNumber"), office: rule(forKey: "office"), pinHash: rule(forKey: "pinHash"),
        submittedAt: rule(forKey: "submittedAt"), notify: rule(forKey: "notify"), nikHash: Applicant.rule(forKey: "nikHash"),
        subject: Applicant.rule(forKey: "subject")
    )

    /// The submission in `data` (parsed: its applicant nests sealed values, which `PlainObject` does
    /// not read) when it is plainly valid (`PlainRecord`); nil otherwise. What `read(_:root:refusing:)`
    /// refuses before reading (a personal field in clear) is not plainly valid: a sealed field is
    /// read only as an object. (The rules between its fields, `Applicant.check()` and
    /// `checkNotify()`, are the caller's, as for the strict reader.)
    static func plainlyValid(_ data: JSONValue) -> ApplicationSubmitted? {
        let rules = plainRules
        return PlainRecord.read(data) { r in
            ApplicationSubmitted(
                receiptNumber: r.string("receiptNumber", rules.receiptNumber),
                documentType: r.choice("documentType", DocumentType.self) ?? .kk,
                office: r.string("office", rules.office), channel: r.choice("channel", ApplicationChannel.self) ?? .online,
                applicant: r.object("applicant", Applicant.plain) ?? Applicant(nikHash: ""), pinHash: r.string("pinHash", rules.pinHash),
                submittedAt: r.time("submittedAt", rules.submittedAt),
                notify: r.optionalArray("notify", rules.notify) { PlainRecord.choice($0, NotificationChannel.self) })
        }
    }
}

extension Applicant {
    /// The applicant in `value`, each field as the decoder reads it (its sealed fields as
    /// `SealedValue` records); nil when not plainly valid.
    fileprivate static func plain(_ value: JSONValue) -> Applicant? {
        let rules = ApplicationSubmitted.plainRules
        return PlainRecord.read(value) { r in
            var read = Applicant(nikHash: "")
            read.nikHash = r.optionalString("nikHash", rules.nikHash)
            read.subject = r.optionalString("subject", rules.subject)
            read.nik = r.optionalRecord("nik", as: SealedValue.self)
            read.name = r.optionalRecord("name", as: SealedValue.self)
            read.phone = r.optionalRecord("phone", as: SealedValue.self)
            read.email = r.optionalRecord("email", as: SealedValue.self)
            return read
        }
    }
}
