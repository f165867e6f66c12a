import DomainKit
public import EventLog

/// Identifiers of the aid domain (warehouses, donations, shipments, distributions) and the
/// streams they name.
///
/// Contract: an id is an `Identifier` (1-100 bytes of `[A-Za-z0-9._:-]`, not starting with `-`), so that
/// `warehouse-<id>`, `donation-<id>`, `shipment-<id>` and `distribution-<id>` are valid stream
/// names. Ids made by `make` are `<PREFIX>-<year>-<8 characters of Crockford base 32>`, e.g.
/// `DN-2018-7K3QF2ZA`: random, so two concurrent commands never pick the same one.
public enum AidIDs {
    /// Stream of a warehouse (registrations and stock adjustments).
    public static func warehouseStream(_ id: String) -> String { "warehouse-\(id)" }
    /// Stream of a donation (its receipt).
    public static func donationStream(_ id: String) -> String { "donation-\(id)" }
    /// Stream of a shipment (dispatch, then receipt).
    public static func shipmentStream(_ id: String) -> String { "shipment-\(id)" }
    /// Stream of a request (the request, its commitments, its cancellation).
    public static func requestStream(_ id: String) -> String { "request-\(id)" }
    /// Stream of an incident (its declaration and impact reports).
    public static func incidentStream(_ id: String) -> String { "incident-\(id)" }
    /// Stream of a distribution to households.
    public static func distributionStream(_ id: String) -> String { "distribution-\(id)" }
    /// Stream of the item catalog (every `aid.item-cataloged`).
    public static let catalogStream = "aid-catalog"
    /// Stream of a registered household.
    public static func householdStream(_ id: String) -> String { "household-\(id)" }

    /// Throws `.invalidInput` naming `field` unless `id` is a valid id (`Identifier`).
    public static func check(_ id: String, field: String) throws(EventLogError) {
        if let problem = Identifier.problem(id) { throw EventLogError(.invalidInput, "\(field): \(problem)", field: field) }
    }

    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// A new random id `<prefix>-<year>-<8 base-32 characters>`.
    public static func make<G: RandomNumberGenerator>(_ prefix: String, year: Int, using generator: inout G) -> String {
        var suffix = ""
        var bits = generator.next() as UInt64
        for _ in 0..<8 {
            suffix.append(alphabet[Int(bits & 31)])
            bits >>= 5
        }
        return "\(prefix)-\(year)-\(suffix)"
    }

    /// As `make(_:year:using:)`, with the system's random generator.
    public static func make(_ prefix: String, year: Int) -> String {
        var g = SystemRandomNumberGenerator()
        return make(prefix, year: year, using: &g)
    }

    /// The UTC year of `t` (for ids).
    static func year(of t: Timestamp) -> Int {
        Int(t.description.prefix(4)) ?? 2018
    }
}
