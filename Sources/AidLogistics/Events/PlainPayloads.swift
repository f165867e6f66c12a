import DomainKit
import JSON
import PersonalData

// The payloads most of an aid log is (donations, shipments dispatched and received,
// distributions: 19,057 of 19,368 aid events in a seeded log), read without `Codable`
// (`PlainRecord`): each with its own type's rules, so that what is read here is what
// `Payload.read` reads, and anything it would not read plainly is left to it (nil).

extension AidEvent {
    /// `read(type:data:)` of a donation, a shipment's dispatch or receipt or a distribution, when
    /// its payload is plainly valid (`PlainRecord`); nil for any other type or payload, which the
    /// caller reads strictly.
    static func plainlyValid(type: String, data: JSONValue) -> AidEvent? {
        switch type {
        case AidEventType.aidDistributed: AidDistributed.plain(data).map { .aidDistributed($0) }
        case AidEventType.donationReceived: DonationReceived.plain(data).map { .donationReceived($0) }
        case AidEventType.shipmentDispatched: ShipmentDispatched.plain(data).map { .shipmentDispatched($0) }
        case AidEventType.shipmentReceived: ShipmentReceived.plain(data).map { .shipmentReceived($0) }
        default: nil
        }
    }
}

/// The rules of the members these payloads have, each looked up once from its type's
/// `rule(forKey:)` (the decoder keeps them per type and key too).
private enum Rules {
    static let shared = (
        id: AidFields.rule(forKey: "donationId"), item: AidFields.rule(forKey: "item"), unit: AidFields.rule(forKey: "unit"),
        quantity: AidFields.rule(forKey: "quantity"), lines: AidFields.rule(forKey: "lines"), lots: AidFields.rule(forKey: "lots"),
        reason: LotLine.rule(forKey: "reason"), expiresOn: ItemQuantity.rule(forKey: "expiresOn")
    )
    static let donation = (
        donationId: DonationReceived.rule(forKey: "donationId"), warehouseId: DonationReceived.rule(forKey: "warehouseId"),
        items: DonationReceived.rule(forKey: "items"), receivedAt: DonationReceived.rule(forKey: "receivedAt"),
        incidentId: DonationReceived.rule(forKey: "incidentId")
    )
    static let donor = (
        name: Donor.rule(forKey: "name"), kind: Donor.rule(forKey: "kind"), id: Donor.rule(forKey: "id"),
        subject: Donor.rule(forKey: "subject")
    )
    static let dispatch = (
        shipmentId: ShipmentDispatched.rule(forKey: "shipmentId"), from: ShipmentDispatched.rule(forKey: "fromWarehouseId"),
        to: ShipmentDispatched.rule(forKey: "toWarehouseId"), lines: ShipmentDispatched.rule(forKey: "lines"),
        vehicle: ShipmentDispatched.rule(forKey: "vehicle"), driver: ShipmentDispatched.rule(forKey: "driver"),
        dispatchedAt: ShipmentDispatched.rule(forKey: "dispatchedAt"), requestId: ShipmentDispatched.rule(forKey: "requestId"),
        incidentId: ShipmentDispatched.rule(forKey: "incidentId")
    )
    static let receipt = (
        shipmentId: ShipmentReceived.rule(forKey: "shipmentId"), lines: ShipmentReceived.rule(forKey: "lines"),
        receivedAt: ShipmentReceived.rule(forKey: "receivedAt"), notes: ShipmentReceived.rule(forKey: "notes"),
        incidentId: ShipmentReceived.rule(forKey: "incidentId")
    )
    static let distribution = (
        distributionId: AidDistributed.rule(forKey: "distributionId"), warehouseId: AidDistributed.rule(forKey: "warehouseId"),
        kelurahanCode: AidDistributed.rule(forKey: "kelurahanCode"), lines: AidDistributed.rule(forKey: "lines"),
        households: AidDistributed.rule(forKey: "households"), people: AidDistributed.rule(forKey: "people"),
        distributedAt: AidDistributed.rule(forKey: "distributedAt"), incidentId: AidDistributed.rule(forKey: "incidentId")
    )
}

extension DonationReceived {
    static func plain(_ value: JSONValue) -> DonationReceived? {
        let rules = Rules.donation
        return PlainRecord.read(value) { r in
            DonationReceived(
                donationId: r.string("donationId", rules.donationId), warehouseId: r.string("warehouseId", rules.warehouseId),
                donor: r.object("donor", Donor.plain) ?? Donor(name: "", kind: ""),
                items: r.array("items", rules.items, ItemQuantity.plain),
                receivedAt: r.string("receivedAt", rules.receivedAt), incidentId: r.optionalString("incidentId", rules.incidentId))
        }
    }
}

extension Donor {
    /// A donor whose name is clear text or a sealed value (`DonorName`: an object is read as a
    /// sealed value, anything else as text).
    static func plain(_ value: JSONValue) -> Donor? {
        let rules = Rules.donor
        return PlainRecord.read(value) { r in
            let name: DonorName? = r.object("name") { v in
                if case .object = v { return PlainRecord.record(v, as: SealedValue.self).map { .sealed($0) } }
                return PlainRecord.string(v, rules.name).map { .clear($0) }
            }
            return Donor(
                name: name ?? .clear(""), kind: r.string("kind", rules.kind), publicName: r.optionalBool("publicName"),
                id: r.optionalString("id", rules.id), subject: r.optionalString("subject", rules.subject))
        }
    }
}

extension ItemQuantity {
    static func plain(_ value: JSONValue) -> ItemQuantity? {
        let rules = Rules.shared
        return PlainRecord.read(value) { r in
            ItemQuantity(
                item: r.string("item", rules.item), unit: r.string("unit", rules.unit), quantity: r.integer("quantity", rules.quantity),
                expiresOn: r.optionalString("expiresOn", rules.expiresOn))
        }
    }
}

extension LotQuantity {
    static func plain(_ value: JSONValue) -> LotQuantity? {
        let rules = Rules.shared
        return PlainRecord.read(value) { r in
            LotQuantity(donationId: r.string("donationId", rules.id), quantity: r.integer("quantity", rules.quantity))
        }
    }
}

extension LotLine {
    static func plain(_ value: JSONValue) -> LotLine? {
        let rules = Rules.shared
        return PlainRecord.read(value) { r in
            LotLine(
                item: r.string("item", rules.item), unit: r.string("unit", rules.unit), quantity: r.integer("quantity", rules.quantity),
                lots: r.array("lots", rules.lots, LotQuantity.plain), reason: r.optionalString("reason", rules.reason))
        }
    }
}

extension ReceivedLine {
    static func plain(_ value: JSONValue) -> ReceivedLine? {
        let rules = Rules.shared
        return PlainRecord.read(value) { r in
            ReceivedLine(
                item: r.string("item", rules.item), unit: r.string("unit", rules.unit), donationId: r.string("donationId", rules.id),
                quantity: r.integer("quantity", rules.quantity))
        }
    }
}

extension ShipmentDispatched {
    static func plain(_ value: JSONValue) -> ShipmentDispatched? {
        let rules = Rules.dispatch
        return PlainRecord.read(value) { r in
            ShipmentDispatched(
                shipmentId: r.string("shipmentId", rules.shipmentId), fromWarehouseId: r.string("fromWarehouseId", rules.from),
                toWarehouseId: r.string("toWarehouseId", rules.to), lines: r.array("lines", rules.lines, LotLine.plain),
                vehicle: r.string("vehicle", rules.vehicle), driver: r.string("driver", rules.driver),
                dispatchedAt: r.string("dispatchedAt", rules.dispatchedAt), requestId: r.optionalString("requestId", rules.requestId),
                incidentId: r.optionalString("incidentId", rules.incidentId))
        }
    }
}

extension ShipmentReceived {
    static func plain(_ value: JSONValue) -> ShipmentReceived? {
        let rules = Rules.receipt
        return PlainRecord.read(value) { r in
            ShipmentReceived(
                shipmentId: r.string("shipmentId", rules.shipmentId), lines: r.array("lines", rules.lines, ReceivedLine.plain),
                receivedAt: r.string("receivedAt", rules.receivedAt), notes: r.optionalString("notes", rules.notes) ?? "",
                incidentId: r.optionalString("incidentId", rules.incidentId))
        }
    }
}

extension AidDistributed {
    static func plain(_ value: JSONValue) -> AidDistributed? {
        let rules = Rules.distribution
        return PlainRecord.read(value) { r in
            AidDistributed(
                distributionId: r.string("distributionId", rules.distributionId), warehouseId: r.string("warehouseId", rules.warehouseId),
                kelurahanCode: r.string("kelurahanCode", rules.kelurahanCode), lines: r.array("lines", rules.lines, LotLine.plain),
                households: r.integer("households", rules.households), people: r.integer("people", rules.people),
                distributedAt: r.string("distributedAt", rules.distributedAt), incidentId: r.optionalString("incidentId", rules.incidentId))
        }
    }
}
