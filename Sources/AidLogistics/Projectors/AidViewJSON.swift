public import Projections

/// A step of a donation's trace, the value a rebuild of `aid.trace` writes most, written without
/// `Codable` (`ViewJSONWritable`): members in the byte order of their keys.
extension DonationTrace.Step: ViewJSONWritable {
    public func write(into o: inout ViewJSONObject) {
        o.string("distributionId", distributionId)
        o.string("driver", driver)
        o.string("eventId", eventId)
        o.integer("households", households)
        o.string("item", item)
        o.string("kelurahanCode", kelurahanCode)
        o.string("kelurahanName", kelurahanName)
        o.choice("kind", kind)
        o.string("notes", notes)
        o.string("occurredAt", occurredAt)
        o.integer("people", people)
        o.integer("position", position)
        o.integer("quantity", quantity)
        o.string("reason", reason)
        o.string("shipmentId", shipmentId)
        o.string("toWarehouseId", toWarehouseId)
        o.string("toWarehouseName", toWarehouseName)
        o.string("type", type)
        o.string("unit", unit)
        o.string("vehicle", vehicle)
        o.string("warehouseId", warehouseId)
        o.string("warehouseName", warehouseName)
    }
}
