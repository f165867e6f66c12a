import DomainKit
public import EventLog
public import JSON
public import PersonalData

/// Body of `register-household`. `householdId` is made when absent (`HH-<year>-...`),
/// `registeredAt` defaults to now, `vulnerable` to zeros. `kk` (16 digits) and `headName` come
/// in clear: the server seals them under the subject of the KK's blind index (`sealed(in:)`);
/// an event recorded as it stands carries them sealed, with `subject`.
public struct RegisterHousehold: AidPayload, Hashable {
    public var householdId: String?
    public var warehouseId, kelurahanCode: String
    public var kk, headName: PersonalText
    public var members: Int
    public var vulnerable: Vulnerable?
    public var subject: String?
    public var registeredAt: String?
    /// The incident (required by the rules; see `IncidentDeclared`).
    public var incidentId: String?

    public init(
        householdId: String? = nil, warehouseId: String, kelurahanCode: String, kk: PersonalText, headName: PersonalText, members: Int,
        vulnerable: Vulnerable? = nil, subject: String? = nil, registeredAt: String? = nil, incidentId: String? = nil
    ) {
        (self.householdId, self.warehouseId, self.kelurahanCode, self.kk, self.headName) = (
            householdId, warehouseId, kelurahanCode, kk, headName
        )
        (self.members, self.vulnerable, self.subject, self.registeredAt) = (members, vulnerable, subject, registeredAt)
        self.incidentId = incidentId
    }

    public static func rule(forKey key: String) -> JSONFieldRule? { HouseholdFields.rule(forKey: key) }

    /// The command with the KK number and the head's name sealed in `vault` under the subject of
    /// the KK's blind index (made when there is none). Already sealed: returned as it is.
    /// `.invalidInput` naming `kk` when it is not 16 digits; without a vault, naming `kk` too.
    public func sealed(in vault: Vault?) throws(EventLogError) -> RegisterHousehold {
        guard case .clear(let number) = kk else { return self }
        if subject != nil {
            throw EventLogError(.invalidInput, "subject: is made by the server from the KK number; leave it out", field: "subject")
        }
        if let problem = HouseholdFields.kkProblem(number) { throw EventLogError(.invalidInput, "kk: \(problem)", field: "kk") }
        guard case .clear(let name) = headName else {
            throw EventLogError(.invalidInput, "headName: send it in clear with a KK number in clear", field: "headName")
        }
        guard let vault else {
            throw EventLogError(.invalidInput, "kk: this domain has no vault to seal personal data in", field: "kk")
        }
        do {
            let (subject, values) = try vault.sealCreating(
                .kk, number, [(field: HouseholdRegistered.kkField, value: number), (field: HouseholdRegistered.headNameField, value: name)])
            var out = self
            (out.kk, out.headName, out.subject) = (.sealed(values[0]), .sealed(values[1]), subject)
            return out
        } catch {
            throw EventLogError(.storage, "the vault could not seal the household's KK: \(error)")
        }
    }
}

/// Body of `serve-households`: names the households a distribution handed aid to in `round`.
///
/// - With `warehouseId` and `lines`: a new distribution is recorded too (`aid.aid-distributed`,
///   then `aid.household-served`, both on its stream), its `households` and `people` counted from
///   the register (the number of households, the sum of their members) and its desa
///   (`kelurahanCode`, when left out) the households' own. `distributionId` is made when absent,
///   `servedAt` defaults to now; lines without `lots` are taken first-in-first-out.
/// - Without them: the households of a distribution already recorded (`distributionId` required),
///   whose counts must then match the register.
public struct ServeHouseholds: LineRequestOptional, Hashable {
    public var distributionId: String?
    public var round: String
    public var householdIds: [String]
    public var warehouseId, kelurahanCode: String?
    public var lines: [RequestedLine]?
    public var servedAt: String?
    /// The incident; a distribution recorded before gives its own when left out.
    public var incidentId: String?

    public init(
        distributionId: String? = nil, round: String, householdIds: [String], warehouseId: String? = nil, kelurahanCode: String? = nil,
        lines: [RequestedLine]? = nil, servedAt: String? = nil, incidentId: String? = nil
    ) {
        (self.distributionId, self.round, self.householdIds, self.warehouseId) = (distributionId, round, householdIds, warehouseId)
        (self.kelurahanCode, self.lines, self.servedAt, self.incidentId) = (kelurahanCode, lines, servedAt, incidentId)
    }

    /// Whether the command records a new distribution (`warehouseId` and `lines` given).
    public var distributes: Bool { warehouseId != nil || lines != nil }
}

/// A body whose `lines` (lots optional) may be left out.
public protocol LineRequestOptional: AidPayload {}

extension LineRequestOptional {
    public static func rule(forKey key: String) -> JSONFieldRule? {
        key == "lines" ? RequestedLine.list : HouseholdFields.rule(forKey: key)
    }
}
