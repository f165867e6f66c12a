public import DomainKit
public import EventLog
public import Projections

/// `aid.incidents`: each incident as declared, its latest impact per reported area, and the aid
/// that answered it (donations, shipments, distributions, households and people reached).
///
/// Databases:
/// - `incidents`: `<incidentId>` -> `IncidentReport.Incident` (without `impact`)
/// - `impact`: `<incidentId>␟<code>` -> `IncidentReport.Impact` (the latest report of the area)
/// - `reached`: `<incidentId>` -> `IncidentReport.Reached`
public struct IncidentsProjector: DomainProjector {
    public static let definition = ViewDefinition(
        AidViews.incidents, version: 1,
        folding: [
            AidEventType.incidentDeclared, AidEventType.impactReported, AidEventType.donationReceived, AidEventType.shipmentDispatched,
            AidEventType.aidDistributed,
        ], databases: ["incidents", "impact", "reached"])

    public func apply(_ e: AidEvent, of event: RecordedEvent, to view: ViewWriter) throws {
        switch e {
        case .incidentDeclared(let d):
            try view.put(
                "incidents", d.incidentId,
                value: IncidentReport.Incident(
                    incidentId: d.incidentId, name: d.name, kind: d.kind, startedAt: d.startedAt, affectedCodes: d.affectedCodes,
                    affectedNames: d.affectedCodes.map { PlaceNames.name(of: $0) }, displaced: 0, impact: nil,
                    reached: IncidentReport.Reached()))
        case .impactReported(let r):
            let key = ViewKey.make(r.incidentId, r.code)
            // A later report of an area replaces the earlier one; one written earlier in time but
            // later in the log (a correction of the past) does not.
            if let old = try view.value(IncidentReport.Impact.self, "impact", key), let a = Timestamp(old.reportedAt),
                let b = Timestamp(r.reportedAt), b < a
            {
                return
            }
            try view.put(
                "impact", key,
                value: IncidentReport.Impact(
                    code: r.code, name: PlaceNames.name(of: r.code), displaced: r.displaced, households: r.households,
                    damagedHouses: r.damagedHouses, source: r.source, reportedAt: r.reportedAt))
        case .donationReceived(let d):
            try reach(view, d.incidentId) { $0.donations += 1 }
        case .shipmentDispatched(let s):
            try reach(view, s.incidentId) { $0.shipments += 1 }
        case .aidDistributed(let d):
            try reach(view, d.incidentId) {
                $0.distributions += 1
                $0.households += d.households
                $0.people += d.people
            }
        default:
            return
        }
    }

    private func reach(_ view: ViewWriter, _ incidentId: String?, _ change: (inout IncidentReport.Reached) -> Void) throws {
        guard let incidentId else { return }
        try view.update("reached", incidentId, initial: IncidentReport.Reached(), change)
    }
}

/// The incidents (the `aid.incidents` view), as `AidQueries.incidents` and `AidQueries.incident`
/// return them.
public struct IncidentReport: Codable, Sendable, Equatable {
    /// The latest report of one area's toll.
    public struct Impact: Codable, Sendable, Equatable {
        public var code, name: String
        public var displaced: Int
        public var households, damagedHouses: Int?
        public var source, reportedAt: String
    }

    /// The aid that answered an incident so far. `households` and `people` are summed over
    /// distributions (a household served twice counts twice).
    public struct Reached: Codable, Sendable, Equatable {
        public var donations = 0, shipments = 0, distributions = 0, households = 0, people = 0
    }

    /// One incident.
    public struct Incident: Codable, Sendable, Equatable {
        public var incidentId, name, kind, startedAt: String
        public var affectedCodes: [String]
        /// The names of `affectedCodes`, in the same order.
        public var affectedNames: [String]
        /// People displaced: the sum of the latest reports of the broadest areas reported (an
        /// area whose larger area also reported counts through that one: a province's total is
        /// not added to its kota's).
        public var displaced: Int
        /// The latest report of every area, by code: only when one incident is asked for.
        public var impact: [Impact]?
        public var reached: Reached
    }

    /// Every incident, by `startedAt` then id.
    public var incidents: [Incident]
}
