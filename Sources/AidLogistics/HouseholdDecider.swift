public import DomainKit
public import EventLog

// The household register of the aid decider: `register-household` and `serve-households`, the
// events `aid.household-registered` and `aid.household-served`, their rules and their fold.

extension AidDecider {
    /// A registered household, as the rules need it (no personal data: the subject only).
    public struct Household: Sendable, Hashable, Codable {
        public let subject, kelurahanCode, warehouseId: String
        public let members: Int
    }

    /// A recorded distribution's desa and counts, and the round whose households it named (nil
    /// until `aid.household-served`).
    public struct DistributionRecord: Sendable, Hashable, Codable {
        public let warehouseId, kelurahanCode: String
        public let households, people: Int
        public var round: String?
        /// The distribution's incident.
        public var incidentId: String?
    }

    /// A household in a round.
    public struct ServedKey: Sendable, Hashable, Codable {
        public let round, householdId: String
    }

    /// The events of `command`: one, or for `serve-households` with lines a distribution and its
    /// households.
    static func events(of command: Command, _ state: State) throws(EventLogError) -> [AidEvent] {
        switch command {
        case .registerHousehold(let c):
            guard case .sealed(let kk) = c.kk, case .sealed(let headName) = c.headName, let subject = c.subject else {
                throw invalid("kk", "the KK number and the head's name must be sealed, with the household's subject")
            }
            return [
                .householdRegistered(
                    HouseholdRegistered(
                        householdId: try need(c.householdId, "householdId"), warehouseId: c.warehouseId, kelurahanCode: c.kelurahanCode,
                        subject: subject, kk: kk, headName: headName, members: c.members, vulnerable: c.vulnerable ?? .none,
                        registeredAt: try need(c.registeredAt, "registeredAt"), incidentId: c.incidentId))
            ]
        case .serveHouseholds(let c):
            let distributionId = try need(c.distributionId, "distributionId")
            let servedAt = try need(c.servedAt, "servedAt")
            let incidentId = c.incidentId ?? state.distributionRecords[distributionId]?.incidentId
            let served = AidEvent.householdServed(
                HouseholdServed(
                    distributionId: distributionId, round: c.round, householdIds: c.householdIds, servedAt: servedAt, incidentId: incidentId
                ))
            guard c.distributes else { return [served] }
            guard let warehouseId = c.warehouseId else { throw invalid("warehouseId", "is required with lines (a new distribution)") }
            guard let requested = c.lines else { throw invalid("lines", "is required with warehouseId (a new distribution)") }
            // The counts come from the register: every household must be in it first.
            try checkNamed(c.householdIds, state)
            let people = c.householdIds.reduce(0) { $0 + (state.households[$1]?.members ?? 0) }
            let code = c.kelurahanCode ?? state.households[c.householdIds[0]]?.kelurahanCode ?? ""
            let lines = try fill(requested, at: warehouseId, for: incidentId, on: day(of: servedAt), state)
            return [
                .aidDistributed(
                    AidDistributed(
                        distributionId: distributionId, warehouseId: warehouseId, kelurahanCode: code, lines: lines,
                        households: c.householdIds.count, people: people, distributedAt: servedAt, incidentId: incidentId)),
                served,
            ]
        default:
            return [try event(of: command, state)]
        }
    }

    /// The households a distribution names: each listed once (`.invalidInput`) and registered.
    static func checkNamed(_ ids: [String], _ state: State) throws(EventLogError) {
        var seen: [String: Int] = [:]
        for (i, id) in ids.enumerated() {
            if let j = seen[id] {
                throw invalid("householdIds[\(i)]", "household \(id) is already in householdIds[\(j)]; list each household once")
            }
            seen[id] = i
            guard state.households[id] != nil else {
                throw violation("householdIds[\(i)]", "household \(id) is not registered; register it first (aid.household-registered)")
            }
        }
    }

    /// `.conflict` naming `data.<field>`: done once already (409).
    static func conflict(_ field: String, _ message: String) -> EventLogError {
        EventLogError(.conflict, "data.\(field): \(message)", field: "data.\(field)")
    }

    /// The rules of the household events (see `decide`).
    static func checkHousehold(_ event: AidEvent, _ state: State) throws(EventLogError) {
        switch event {
        case .householdRegistered(let e):
            try e.check()
            guard state.households[e.householdId] == nil else {
                throw violation("householdId", "household \(e.householdId) is already registered; a household registers once")
            }
            if let earlier = state.householdBySubject[e.subject] {
                throw conflict("kk", "this KK number is already registered as household \(earlier); a KK registers once")
            }
            try requireWarehouse(state, e.warehouseId, "warehouseId")
            try checkKelurahan(e.kelurahanCode, "kelurahanCode", state.area)
            for (name, count) in e.vulnerable.counts where count > e.members {
                throw violation("vulnerable.\(name)", "\(count) is more than the household's \(e.members) members")
            }
        case .householdServed(let e):
            guard let record = state.distributionRecords[e.distributionId] else {
                throw violation(
                    "distributionId", "distribution \(e.distributionId) was never recorded; record it first (aid.aid-distributed)")
            }
            if let given = record.incidentId, let named = e.incidentId, given != named {
                throw violation("incidentId", "distribution \(e.distributionId) was for incident \(given), not \(named)")
            }
            if let round = record.round {
                throw violation(
                    "distributionId",
                    "distribution \(e.distributionId) already named its households (round \(round)); a distribution names them once")
            }
            try checkNamed(e.householdIds, state)
            var people = 0
            for (i, id) in e.householdIds.enumerated() {
                guard let h = state.households[id] else { continue }
                guard h.kelurahanCode == record.kelurahanCode else {
                    throw violation(
                        "householdIds[\(i)]",
                        "household \(id) lives in desa \(h.kelurahanCode), not in \(record.kelurahanCode) of distribution \(e.distributionId)"
                    )
                }
                if let earlier = state.served[ServedKey(round: e.round, householdId: id)] {
                    throw conflict(
                        "householdIds[\(i)]",
                        "household \(id) was already served in round \(e.round) by distribution \(earlier); one handout per household per round"
                    )
                }
                people += h.members
            }
            guard e.householdIds.count == record.households else {
                throw violation(
                    "householdIds",
                    "\(e.householdIds.count) households named; distribution \(e.distributionId) counts \(record.households) (its households come from the register)"
                )
            }
            guard people == record.people else {
                throw violation(
                    "householdIds",
                    "the households' registered members add up to \(people); distribution \(e.distributionId) counts \(record.people) people"
                )
            }
        default:
            return
        }
    }
}

extension AidDecider.State {
    /// Folds a household event.
    mutating func evolveHousehold(_ event: AidEvent) {
        switch event {
        case .householdRegistered(let e):
            households[e.householdId] = AidDecider.Household(
                subject: e.subject, kelurahanCode: e.kelurahanCode, warehouseId: e.warehouseId, members: e.members)
            if householdBySubject[e.subject] == nil { householdBySubject[e.subject] = e.householdId }
        case .householdServed(let e):
            for id in e.householdIds {
                let key = AidDecider.ServedKey(round: e.round, householdId: id)
                if served[key] == nil { served[key] = e.distributionId }
            }
            distributionRecords[e.distributionId]?.round = e.round
        default:
            return
        }
    }
}
