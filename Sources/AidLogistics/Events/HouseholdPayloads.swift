import DomainKit
public import EventLog
public import JSON
public import PersonalData

/// Text that is personal data: in clear in a command's body (the server seals it), sealed under
/// its subject in the log. The same shape as a donor's name.
public typealias PersonalText = DonorName

/// The vulnerable members of a household, each a count of its members (a person may count in
/// more than one: an elderly person with a disability), each at most the household's `members`.
public struct Vulnerable: AidPayload, Hashable {
    public var infants, elderly, disabled, pregnant: Int

    public init(infants: Int = 0, elderly: Int = 0, disabled: Int = 0, pregnant: Int = 0) {
        (self.infants, self.elderly, self.disabled, self.pregnant) = (infants, elderly, disabled, pregnant)
    }

    public static let none = Vulnerable()

    /// The counts by name, in the payload's order.
    public var counts: [(name: String, count: Int)] {
        [("infants", infants), ("elderly", elderly), ("disabled", disabled), ("pregnant", pregnant)]
    }

    public static func rule(forKey key: String) -> JSONFieldRule? {
        ["infants", "elderly", "disabled", "pregnant"].contains(key) ? .nonNegativeInteger : AidFields.rule(forKey: key)
    }
}

/// `aid.household-registered` on stream `household-<householdId>`: a household (a Kartu Keluarga)
/// entered in the register by the posko or gudang `warehouseId`, living in the desa/kelurahan
/// `kelurahanCode` (a Kepmendagri code inside the deployment's area).
///
/// The KK number and the head of the household's name are personal data (docs/privacy.md): sealed
/// under the household's `subject`, which the vault finds by the blind index of the KK number
/// (purpose `kk`). A KK registers once: the subject names one household (409 otherwise). `members`
/// and `vulnerable` are counts, in clear: what the distributions' counts come from.
public struct HouseholdRegistered: AidPayload, Hashable {
    public var householdId, warehouseId, kelurahanCode: String
    /// The household's subject pseudonym (the vault's `kk` blind index finds it from the KK number).
    public var subject: String
    /// The KK number (16 digits), sealed under `subject` for the field `kk`.
    public var kk: SealedValue
    /// The head of the household's name, sealed under `subject` for the field `headName`.
    public var headName: SealedValue
    /// Everyone in the household, the head included (positive).
    public var members: Int
    public var vulnerable: Vulnerable
    /// RFC 3339; the event's occurredAt.
    public var registeredAt: String
    /// The incident the household was registered for (required by the rules).
    public var incidentId: String?

    /// The payload paths of the sealed fields (the associated data of their seals).
    public static let kkField = "kk", headNameField = "headName"

    public static func rule(forKey key: String) -> JSONFieldRule? { HouseholdFields.rule(forKey: key) }

    /// The sealed fields belong to the household's subject (errors name `data.` fields).
    func check() throws(EventLogError) {
        for (field, sealed) in [(Self.kkField, kk), (Self.headNameField, headName)] where sealed.subject != subject {
            throw EventLogError(
                .invalidInput, "data.\(field).subject: must be the household's subject \(subject)", field: "data.\(field).subject")
        }
    }
}

/// `aid.household-served` on stream `distribution-<distributionId>`, after its
/// `aid.aid-distributed`: the households the distribution handed aid to, in `round` (a round of
/// handouts, e.g. `putaran-1` or `2018-08-10`). One event per distribution, naming all its
/// households. A household is served at most once per round (409 naming the earlier
/// distribution); the distribution's `households` and `people` are the count of `householdIds`
/// and the sum of their registered `members`, and each lives in the distribution's desa.
public struct HouseholdServed: AidPayload, Hashable {
    public var distributionId, round: String
    public var householdIds: [String]
    /// RFC 3339; the event's occurredAt (the distribution's `distributedAt`).
    public var servedAt: String
    /// The distribution's incident (required by the rules; filled from it by the command).
    public var incidentId: String?

    public static func rule(forKey key: String) -> JSONFieldRule? { HouseholdFields.rule(forKey: key) }
}

/// The rules of the household payloads' fields, by name (then `AidFields`).
public enum HouseholdFields {
    /// Most households one distribution names (and one roster imports).
    public static let maxHouseholds = 2000

    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch key {
        case "householdId", "round": .identifier
        case "subject":
            JSONFieldRule(
                expected: "a subject pseudonym", maxBytes: 40,
                checkString: { Vault.isPseudonym($0) ? nil : "must be a subject pseudonym (subj- and 24 hex digits)" })
        case "kk": JSONFieldRule(expected: "a KK number (16 digits)", maxBytes: 16, checkString: kkProblem)
        case "headName": .text(maxBytes: AidLimits.name)
        case "members": .positiveInteger
        case "vulnerable": JSONFieldRule(expected: "an object {infants, elderly, disabled, pregnant}")
        case "householdIds": .list(max: maxHouseholds, of: "an array of household ids")
        case "servedAt": .time
        default: AidFields.rule(forKey: key)
        }
    }

    /// Why `text` is not a KK number (16 digits), or nil.
    @Sendable public static func kkProblem(_ text: String) -> String? {
        text.utf8.count == 16 && text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) ? nil : "must be a KK number (16 digits)"
    }
}
