import DomainKit
public import JSON

/// `aid.incident-declared` on stream `incident-<incidentId>`: a disaster the aid answers. Every
/// other aid event names its incident (`incidentId`), so that each view can be read per incident.
/// `affectedCodes` are Kepmendagri codes (provinsi, kabupaten/kota, kecamatan or desa/kelurahan)
/// inside the deployment's area; `startedAt` (RFC 3339) is the event's occurredAt.
public struct IncidentDeclared: AidPayload, Hashable {
    /// The kinds of incident (BNPB's hazard names, in Bahasa Indonesia).
    public static let kinds = [
        "gempa-bumi", "tsunami", "banjir", "banjir-bandang", "tanah-longsor", "kebakaran", "kekeringan", "angin-puting-beliung",
        "erupsi-gunung-api", "lainnya",
    ]
    public var incidentId, name, kind: String
    public var startedAt: String
    public var affectedCodes: [String]

    public static func rule(forKey key: String) -> JSONFieldRule? {
        key == "kind" ? .oneOf(kinds) : AidFields.rule(forKey: key)
    }
}

/// `aid.impact-reported` on stream `incident-<incidentId>`: the toll of an incident in one area
/// (`code`, inside one of the incident's affected codes), as a source (BNPB, BPBD, Dinas Sosial)
/// counted it at `reportedAt` (RFC 3339, the event's occurredAt). A later report of the same code
/// replaces the earlier one in the views (a count, not an increment).
public struct ImpactReported: AidPayload, Hashable {
    public var incidentId, code: String
    /// People displaced (pengungsi).
    public var displaced: Int
    /// Households affected, and houses damaged (any degree), when the source counted them.
    public var households, damagedHouses: Int?
    public var source: String
    public var reportedAt: String

    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch key {
        case "displaced", "households", "damagedHouses": .nonNegativeInteger
        default: AidFields.rule(forKey: key)
        }
    }
}
