public import DomainKit
public import EventLog
public import JSON
public import PersonalData

/// `documents.application-submitted`: a resident applied; the server made the receipt number and
/// the PIN (shown once to the resident; only its keyed hash is here).
public struct ApplicationSubmitted: DocumentPayload, Hashable {
    public var receiptNumber: String
    public var documentType: DocumentType
    /// An `Office.id`.
    public var office: String
    public var channel: ApplicationChannel
    public var applicant: Applicant
    /// `hex(HMAC-SHA256(secret, "pin:" + receiptNumber + ":" + PIN))`.
    public var pinHash: String
    public var submittedAt: Timestamp
    /// The channels the applicant chose to hear of every status change over (`email` needs
    /// `applicant.email`, `sms` needs `applicant.phone`); absent or empty: none.
    public var notify: [NotificationChannel]?

    /// The submission, once the rules between its fields hold: its applicant whole
    /// (`Applicant.check()`) and a contact for each channel chosen (`checkNotify()`). What both
    /// readers of a submission (the strict one and the plain one) ask after reading its fields.
    func checked() throws(EventLogError) -> ApplicationSubmitted {
        try applicant.check()
        try checkNotify()
        return self
    }

    /// Every channel chosen has its contact, sealed (errors name `data.notify[i]`).
    func checkNotify() throws(EventLogError) {
        for (i, channel) in (notify ?? []).enumerated() {
            let contact = channel == .email ? applicant.email : applicant.phone
            guard contact != nil else {
                let field = channel == .email ? "applicant.email" : "applicant.phone"
                throw EventLogError(
                    .invalidInput, "data.notify[\(i)]: \(channel.rawValue) needs data.\(field), sealed", field: "data.notify[\(i)]")
            }
            if notify![..<i].contains(channel) {
                throw EventLogError(.invalidInput, "data.notify[\(i)]: \(channel.rawValue) is chosen twice", field: "data.notify[\(i)]")
            }
        }
    }

    /// Members refused before the payload is read, with what to send instead.
    static let refused: KeyValuePairs = [
        "applicant.nik":
            "a NIK must never be stored in clear; send it sealed (applicant.subject with a sealed applicant.nik), or applicant.nikHash",
        "applicant.name": "a name must never be stored in clear; send it sealed under the applicant's subject",
        "applicant.phone": "a phone number must never be stored in clear; send it sealed under the applicant's subject",
        "applicant.email": "an e-mail address must never be stored in clear; send it sealed under the applicant's subject",
    ]

}

/// The applicant, as the log knows them. Either (events written before the vault, or by a
/// domain without one) only `nikHash`, or (with the vault) their `subject` pseudonym and their
/// personal fields sealed under the subject's key (`SealedValue`, read as `applicant.nik`,
/// `applicant.name`, `applicant.phone`, `applicant.email`): never a personal field in clear.
public struct Applicant: Payload, Hashable {
    /// `hex(HMAC-SHA256(secret, "nik:" + NIK))`, 64 lower-case hex digits (legacy form).
    public var nikHash: String?
    /// The vault's pseudonym of the applicant.
    public var subject: String?
    public var nik, name, phone, email: SealedValue?

    public init(nikHash: String) { self.nikHash = nikHash }

    public init(subject: String, nik: SealedValue, name: SealedValue?, phone: SealedValue?, email: SealedValue?) {
        (self.subject, self.nik, self.name, self.phone, self.email) = (subject, nik, name, phone, email)
    }

    /// The applicant of `nik` with every field given sealed in `vault`, under the subject its
    /// blind index finds (or makes): what a submission and the seeded scenario write.
    public static func sealed(nik: String, name: String?, phone: String?, email: String?, in vault: Vault) throws -> Applicant {
        let fields = [("applicant.nik", nik), ("applicant.name", name), ("applicant.phone", phone), ("applicant.email", email)]
            .compactMap { f, v in v.map { (field: f, value: $0) } }
        let (subject, values) = try vault.sealCreating(.nik, nik, fields)
        var sealed: [String: SealedValue] = [:]
        for (f, v) in zip(fields, values) { sealed[f.field] = v }
        return Applicant(
            subject: subject, nik: sealed["applicant.nik"]!, name: sealed["applicant.name"], phone: sealed["applicant.phone"],
            email: sealed["applicant.email"])
    }

    /// The applicant of `nik` with every field given sealed in `vault` under `subject` (an existing
    /// subject: one linked to the NIK's applications from before the vault). Throws the vault's
    /// `.unknownSubject` when `subject` has no key (forgotten meanwhile).
    public static func sealed(nik: String, name: String?, phone: String?, email: String?, subject: String, in vault: Vault) throws
        -> Applicant
    {
        let fields = [("applicant.nik", nik), ("applicant.name", name), ("applicant.phone", phone), ("applicant.email", email)]
            .compactMap { f, v in v.map { (field: f, value: $0) } }
        let values = try vault.seal(fields, subject: subject)
        var sealed: [String: SealedValue] = [:]
        for (f, v) in zip(fields, values) { sealed[f.field] = v }
        return Applicant(
            subject: subject, nik: sealed["applicant.nik"]!, name: sealed["applicant.name"], phone: sealed["applicant.phone"],
            email: sealed["applicant.email"])
    }

    /// The sealed fields present, by their payload path (`applicant.nik`, ...).
    public var sealedFields: [(field: String, value: SealedValue)] {
        [("applicant.nik", nik), ("applicant.name", name), ("applicant.phone", phone), ("applicant.email", email)]
            .compactMap { f, v in v.map { (f, $0) } }
    }

    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch CodingKeys(stringValue: key) {
        case .nikHash: .keyedHash(of: "NIK")
        case .subject:
            JSONFieldRule(
                expected: "a subject pseudonym", maxBytes: 40,
                checkString: { Vault.isPseudonym($0) ? nil : "must be a subject pseudonym (subj- and 24 hex digits)" })
        default: nil
        }
    }

    /// Either form, whole: `nikHash` alone, or `subject` with a sealed `nik` and every sealed
    /// field of that subject. Errors name the `data.applicant.` field.
    func check() throws(EventLogError) {
        if let subject {
            guard nikHash == nil else {
                throw EventLogError(
                    .invalidInput, "data.applicant.nikHash: not with a subject (the NIK is sealed)", field: "data.applicant.nikHash")
            }
            guard nik != nil else {
                throw EventLogError(.invalidInput, "data.applicant.nik: is required with a subject (sealed)", field: "data.applicant.nik")
            }
            for (field, value) in sealedFields where value.subject != subject {
                throw EventLogError(
                    .invalidInput, "data.\(field).subject: must be the applicant's subject \(subject)", field: "data.\(field).subject")
            }
        } else {
            guard nikHash != nil else {
                throw EventLogError(
                    .invalidInput, "data.applicant: needs nikHash, or subject with sealed fields", field: "data.applicant")
            }
            guard sealedFields.isEmpty else {
                throw EventLogError(
                    .invalidInput, "data.applicant.subject: is required with sealed fields", field: "data.applicant.subject")
            }
        }
    }
}
