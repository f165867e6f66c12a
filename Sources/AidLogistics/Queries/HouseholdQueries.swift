import DomainKit
public import Projections

extension AidQueries {
    // MARK: aid.households

    /// The households `warehouseId` registered (view `aid.households`), in id order; every
    /// household when nil.
    public static func households(_ view: ViewReader, warehouseId: String? = nil) throws -> [HouseholdReport.Household] {
        var out: [HouseholdReport.Household] = []
        guard let warehouseId else {
            try view.scanValues(HouseholdReport.Household.self, "households") { _, h in
                out.append(h)
                return true
            }
            return out
        }
        var ids: [String] = []
        try view.scan("posko", prefix: ViewKey.prefix(warehouseId)) { key, _ in
            let parts = ViewKey.split(key)
            if parts.count == 2 { ids.append(parts[1]) }
            return true
        }
        for id in ids { if let h = try household(view, id: id) { out.append(h) } }
        return out
    }

    /// One household (view `aid.households`), or nil.
    public static func household(_ view: ViewReader, id: String) throws -> HouseholdReport.Household? {
        try view.value(HouseholdReport.Household.self, "households", id)
    }

    /// A distribution with the households it served (view `aid.households`), or nil.
    public static func householdDistribution(_ view: ViewReader, distributionId: String) throws -> (
        distribution: HouseholdReport.Distribution, households: [HouseholdReport.Household]
    )? {
        guard let d = try view.value(HouseholdReport.Distribution.self, "distributions", distributionId) else { return nil }
        var households: [HouseholdReport.Household] = []
        for id in d.householdIds ?? [] { if let h = try household(view, id: id) { households.append(h) } }
        return (d, households)
    }

    /// Households and people served per round and desa (view `aid.households`), by round then code.
    public static func rounds(_ view: ViewReader) throws -> [HouseholdReport.Round] {
        var out: [HouseholdReport.Round] = []
        try view.scanValues(HouseholdReport.Round.self, "rounds") { _, r in
            out.append(r)
            return true
        }
        return out
    }
}

extension AidQueries {
    /// The distributions from `warehouseId` that named their households (view `aid.households`),
    /// latest first.
    public static func householdDistributions(_ view: ViewReader, warehouseId: String) throws -> [HouseholdReport.Distribution] {
        var out: [HouseholdReport.Distribution] = []
        try view.scanValues(HouseholdReport.Distribution.self, "distributions") { _, d in
            if d.warehouseId == warehouseId && d.round != nil { out.append(d) }
            return true
        }
        return out.sorted { $0.position > $1.position }
    }
}
