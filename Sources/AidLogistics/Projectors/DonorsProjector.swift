public import DomainKit
public import EventLog
import PersonalData
public import Projections

/// `aid.donors`: per donor (by name), the donations, the items and quantities given, and how
/// much of each has been distributed to households so far.
///
/// Databases:
/// - `donors`: `<name>` -> `{name, kind, donations, firstReceivedAt, lastReceivedAt, sealedName?}`
///   (`<name>` is the subject's pseudonym for an individual named in public, whose name is sealed:
///   `sealedName`, opened by `AidQueries.donors(_:opening:)`)
/// - `items`: `<name>␟<item>␟<unit>` -> `{donated, distributed}`
/// - `donations`: `<name>␟<position, 20 digits>` -> `DonorReport.Donation`
/// - `lots`: `<donationId>` -> `{donor}`
/// - `incidentItems`: `<incidentId>␟<name>␟<item>␟<unit>` -> `{donated, distributed}`: as `items`,
///   for one incident (the event's)
public struct DonorsProjector: DomainProjector {
    /// 2: key parts are escaped (`%` as `%25`), by DomainKit's `ViewKey`. 4: an individual who
    /// agreed to be named, their name sealed, is kept under their subject with `sealedName`. 5: per
    /// incident (`incidentItems`, and each donation's incident).
    public static let definition = ViewDefinition(
        AidViews.donors, version: 5, folding: [AidEventType.donationReceived, AidEventType.aidDistributed],
        databases: ["donors", "items", "donations", "lots", "incidentItems"])

    public func apply(_ e: AidEvent, of event: RecordedEvent, to view: ViewWriter) throws {
        switch e {
        case .donationReceived(let d):
            // An individual who did not agree to be named is kept as `Donor.anonymous`; one who
            // did, by their subject, with the sealed name (opened at query time).
            let form = d.donor.publicForm
            let sealedName: SealedValue? = if case .sealed(let v) = form.name { v } else { nil }
            let name = sealedName.map { form.subject ?? $0.subject } ?? form.publicLabel
            try view.put("lots", d.donationId, value: DonorRecords.Lot(donor: name))
            var donor =
                try view.value(DonorRecords.Donor.self, "donors", name)
                ?? DonorRecords.Donor(
                    name: name, kind: d.donor.kind, donations: 0, firstReceivedAt: d.receivedAt, lastReceivedAt: d.receivedAt)
            donor.kind = d.donor.kind
            donor.sealedName = sealedName ?? donor.sealedName
            donor.donations += 1
            if let t = Timestamp(d.receivedAt) {
                if let first = Timestamp(donor.firstReceivedAt), t < first { donor.firstReceivedAt = d.receivedAt }
                if let last = Timestamp(donor.lastReceivedAt), t > last { donor.lastReceivedAt = d.receivedAt }
            }
            try view.put("donors", name, value: donor)
            for i in d.items {
                try view.update(
                    "items", perIncident: "incidentItems", [name, i.item, i.unit], incident: d.incidentId, initial: DonorRecords.Item()
                ) { $0.donated += i.quantity }
            }
            try view.put(
                "donations", ViewKey.make(name, ViewKey.position(event.position)),
                value: DonorReport.Donation(
                    donationId: d.donationId, warehouseId: d.warehouseId, receivedAt: d.receivedAt, items: d.items,
                    incidentId: d.incidentId))
        case .aidDistributed(let d):
            for line in d.lines {
                for lot in line.lots {
                    guard let donor = try view.value(DonorRecords.Lot.self, "lots", lot.donationId)?.donor else { continue }
                    try view.update(
                        "items", perIncident: "incidentItems", [donor, line.item, line.unit], incident: d.incidentId,
                        initial: DonorRecords.Item()
                    ) { $0.distributed += lot.quantity }
                }
            }
        default:
            return
        }
    }
}

/// Stored records of `aid.donors`.
enum DonorRecords {
    /// `donors`: `<name>`.
    struct Donor: Codable, Equatable {
        var name, kind: String
        var donations: Int
        var firstReceivedAt, lastReceivedAt: String
        /// An individual's name, sealed (then `name` is their subject).
        var sealedName: SealedValue?
    }

    /// `items`: `<name>␟<item>␟<unit>`.
    struct Item: Codable, Equatable {
        var donated = 0
        var distributed = 0
    }

    /// `lots`: `<donationId>`.
    struct Lot: Codable, Equatable {
        var donor: String
    }
}
