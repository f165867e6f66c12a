import DomainKit
import Projections

extension ViewWriter {
    /// Updates the record of `db` at the key of `parts` (all incidents) and, when the event names
    /// an incident, the record of `incidentDB` at the key of the incident followed by `parts` (that
    /// incident's figures, which `AidQueries` reads for `?incident=`).
    func update<T: Codable>(
        _ db: String, perIncident incidentDB: String, _ parts: [String], incident incidentId: String?, initial: @autoclosure () -> T,
        _ change: (inout T) -> Void
    ) throws {
        try update(db, ViewKey.make(parts), initial: initial(), change)
        if let incidentId { try update(incidentDB, ViewKey.make([incidentId] + parts), initial: initial(), change) }
    }
}
