public import Projections

/// The values a rebuild of the aid views writes most, written without `Codable`
/// (`ViewJSONWritable`): members in the byte order of their keys. A step of a donation's trace;
/// a distribution of `aid.households` with its lines (through `ViewJSON`'s containers, ~59,000
/// instructions each, callgrind of a rebuild of 300,000 events).
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

extension HouseholdReport.Distribution: ViewJSONWritable {
    public func write(into o: inout ViewJSONObject) {
        o.string("distributedAt", distributedAt)
        o.string("distributionId", distributionId)
        o.strings("householdIds", householdIds)
        o.integer("households", households)
        o.string("kelurahanCode", kelurahanCode)
        o.objects("lines", lines)
        o.integer("people", people)
        o.integer("position", position)
        o.string("round", round)
        o.integer("servedPosition", servedPosition)
        o.string("warehouseId", warehouseId)
    }
}

extension LotLine: ViewJSONWritable {
    public func write(into o: inout ViewJSONObject) {
        o.string("item", item)
        o.objects("lots", lots)
        o.integer("quantity", quantity)
        o.string("reason", reason)
        o.string("unit", unit)
    }
}

extension LotQuantity: ViewJSONWritable {
    public func write(into o: inout ViewJSONObject) {
        o.string("donationId", donationId)
        o.integer("quantity", quantity)
    }
}
