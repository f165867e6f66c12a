public import DomainKit
public import EventLog
public import PersonalData
public import Projections

/// `aid.households`: the household register and the households each distribution served, per
/// round and desa. The KK number and the head's name stay sealed here (opened, for staff only,
/// by `HouseholdReport.Household.opened(in:)`); nothing public reads this view.
///
/// Databases:
/// - `households`: `<householdId>` -> `HouseholdReport.Household`
/// - `posko`: `<warehouseId>␟<householdId>` -> `{}` (the households a posko registered)
/// - `distributions`: `<distributionId>` -> `HouseholdReport.Distribution` (its households once named)
/// - `rounds`: `<round>␟<kelurahanCode>` -> `HouseholdReport.Round`
public struct HouseholdsProjector: DomainProjector {
    public static let definition = ViewDefinition(
        AidViews.households, version: 1,
        folding: [AidEventType.householdRegistered, AidEventType.aidDistributed, AidEventType.householdServed],
        databases: ["households", "posko", "distributions", "rounds"])

    public init() {}

    public func apply(_ e: AidEvent, of event: RecordedEvent, to view: ViewWriter) throws {
        switch e {
        case .householdRegistered(let h):
            try view.put(
                "households", h.householdId,
                value: HouseholdReport.Household(
                    householdId: h.householdId, warehouseId: h.warehouseId, kelurahanCode: h.kelurahanCode, subject: h.subject, kk: h.kk,
                    headName: h.headName, members: h.members, vulnerable: h.vulnerable, registeredAt: h.registeredAt,
                    position: event.position))
            try view.put("posko", ViewKey.make(h.warehouseId, h.householdId), value: HouseholdRecords.Marker())
        case .aidDistributed(let d):
            try view.put(
                "distributions", d.distributionId,
                value: HouseholdReport.Distribution(
                    distributionId: d.distributionId, warehouseId: d.warehouseId, kelurahanCode: d.kelurahanCode, lines: d.lines,
                    households: d.households, people: d.people, distributedAt: d.distributedAt, position: event.position))
        case .householdServed(let s):
            guard var d = try view.value(HouseholdReport.Distribution.self, "distributions", s.distributionId), d.round == nil else {
                return
            }
            (d.round, d.householdIds, d.servedPosition) = (s.round, s.householdIds, event.position)
            try view.put("distributions", s.distributionId, value: d)
            try view.update(
                "rounds", ViewKey.make(s.round, d.kelurahanCode),
                initial: HouseholdReport.Round(round: s.round, kelurahanCode: d.kelurahanCode)
            ) {
                $0.distributions += 1
                $0.households += d.households
                $0.people += d.people
            }
        default:
            return
        }
    }
}

enum HouseholdRecords {
    struct Marker: Codable, Equatable {}
}

/// What `aid.households` answers (`AidQueries.households`, `.householdDistribution`, `.rounds`).
public enum HouseholdReport {
    /// A registered household, its KK number and head's name sealed.
    public struct Household: Codable, Sendable, Equatable {
        public var householdId, warehouseId, kelurahanCode, subject: String
        public var kk, headName: SealedValue
        public var members: Int
        public var vulnerable: Vulnerable
        public var registeredAt: String
        public var position: UInt64

        /// The KK number and the head's name opened in `vault`: `Donor.erased` once the household
        /// was forgotten (or when this vault cannot open them).
        public func opened(in vault: Vault) -> (kk: String, headName: String) {
            func open(_ v: SealedValue, _ field: String) -> String {
                (try? vault.open(v, field: field))?.text(or: Donor.erased) ?? Donor.erased
            }
            return (open(kk, HouseholdRegistered.kkField), open(headName, HouseholdRegistered.headNameField))
        }
    }

    /// A distribution and, once named, the households it served in its round.
    public struct Distribution: Codable, Sendable, Equatable {
        public var distributionId, warehouseId, kelurahanCode: String
        public var lines: [LotLine]
        public var households, people: Int
        public var distributedAt: String
        public var position: UInt64
        public var round: String?
        public var householdIds: [String]?
        /// The position of its `aid.household-served`.
        public var servedPosition: UInt64?
    }

    /// Households and people served in one round in one desa (counts from the register).
    public struct Round: Codable, Sendable, Equatable {
        public var round, kelurahanCode: String
        public var distributions = 0, households = 0, people = 0
    }
}
