import EventLog
import MataramReference

extension AidState {
    /// Whether `event` may enter the log now. Throws `.ruleViolation` for a rule of DESIGN section
    /// 7 (naming the field under `root` and the numbers), `.invalidInput` for duplicates inside
    /// the payload; changes nothing.
    ///
    /// Rules: a warehouse registers once, in an existing kelurahan; a donation is received once,
    /// into a registered warehouse; a shipment or distribution never takes more of a lot than the
    /// source holds, and the lots of a line add up to its quantity; a shipment is received once,
    /// never more of a lot than was dispatched; a distribution is for an existing kelurahan and
    /// counts at least one person per household; an adjustment never leaves a lot below zero.
    public func check(_ event: AidEvent, root: String = "data") throws(EventLogError) {
        func f(_ path: String) -> String { PayloadReader.join(root, path) }
        switch event {
        case .warehouseRegistered(let e):
            guard warehouses[e.warehouseId] == nil else {
                throw Self.violation(f("warehouseId"), "warehouse \(e.warehouseId) is already registered; a warehouse registers once")
            }
            try Self.checkKelurahan(e.kelurahanCode, field: f("kelurahanCode"))

        case .donationReceived(let e):
            guard donations[e.donationId] == nil else {
                throw Self.violation(f("donationId"), "donation \(e.donationId) is already received; a donation (a lot) is received once")
            }
            try requireWarehouse(e.warehouseId, field: f("warehouseId"))
            var seen: [Item: Int] = [:]
            for (i, line) in e.items.enumerated() {
                let item = Item(item: line.item, unit: line.unit)
                if let j = seen[item] {
                    throw PayloadReader.invalid(f("items[\(i)]"), "\(item) is already in items[\(j)]; list each item and unit once")
                }
                seen[item] = i
            }

        case .shipmentDispatched(let e):
            guard shipments[e.shipmentId] == nil else {
                throw Self.violation(f("shipmentId"), "shipment \(e.shipmentId) is already dispatched; a shipment is dispatched once")
            }
            try requireWarehouse(e.fromWarehouseId, field: f("fromWarehouseId"))
            try requireWarehouse(e.toWarehouseId, field: f("toWarehouseId"))
            guard e.fromWarehouseId != e.toWarehouseId else {
                throw Self.violation(f("toWarehouseId"), "a shipment must go to another warehouse than \(e.fromWarehouseId)")
            }
            try checkLines(e.lines, from: e.fromWarehouseId, field: f("lines"))

        case .shipmentReceived(let e):
            guard let s = shipments[e.shipmentId] else {
                throw Self.violation(f("shipmentId"), "shipment \(e.shipmentId) was never dispatched")
            }
            guard !s.received else {
                throw Self.violation(f("shipmentId"), "shipment \(e.shipmentId) is already received; a shipment is received once")
            }
            var seen: [LotKey: Int] = [:]
            for (i, line) in e.lines.enumerated() {
                let item = Item(item: line.item, unit: line.unit)
                let key = LotKey(warehouseId: s.fromWarehouseId, item: item, donationId: line.donationId)
                if let j = seen[key] {
                    throw PayloadReader.invalid(
                        f("lines[\(i)]"), "\(item) from lot \(line.donationId) is already in lines[\(j)]; list each lot once")
                }
                seen[key] = i
                guard let dispatched = s.lots[key] else {
                    throw Self.violation(
                        f("lines[\(i)]"), "shipment \(e.shipmentId) carried no \(item) from lot \(line.donationId)")
                }
                guard line.quantity <= dispatched else {
                    throw Self.violation(
                        f("lines[\(i)].quantity"),
                        "\(line.quantity) \(line.unit) of \(line.item) from lot \(line.donationId) exceeds the \(dispatched) dispatched in shipment \(e.shipmentId)")
                }
            }

        case .aidDistributed(let e):
            guard !distributions.contains(e.distributionId) else {
                throw Self.violation(f("distributionId"), "distribution \(e.distributionId) is already recorded")
            }
            try requireWarehouse(e.warehouseId, field: f("warehouseId"))
            try Self.checkKelurahan(e.kelurahanCode, field: f("kelurahanCode"))
            guard e.people >= e.households else {
                throw Self.violation(f("people"), "\(e.people) people in \(e.households) households: every household has at least one person")
            }
            try checkLines(e.lines, from: e.warehouseId, field: f("lines"))

        case .stockAdjusted(let e):
            try requireWarehouse(e.warehouseId, field: f("warehouseId"))
            let item = Item(item: e.item, unit: e.unit)
            guard let d = donations[e.donationId] else {
                throw Self.violation(f("donationId"), "no donation (lot) \(e.donationId) was received")
            }
            guard d.items[item] != nil else {
                throw Self.violation(f("item"), "lot \(e.donationId) holds no \(item)")
            }
            let have = onHand(at: e.warehouseId, item, lot: e.donationId)
            guard have + e.quantity >= 0 else {
                throw Self.violation(
                    f("quantity"),
                    "taking \(-e.quantity) \(e.unit) of \(e.item) of lot \(e.donationId) out of \(e.warehouseId) would leave \(have + e.quantity): only \(have) on hand")
            }
        }
    }

    /// Lines of a dispatch or distribution: distinct items, distinct lots per line, lots adding
    /// up to the line, and never more of a lot than `warehouseId` holds.
    func checkLines(_ lines: [LotLine], from warehouseId: String, field: String) throws(EventLogError) {
        var seen: [Item: Int] = [:]
        for (i, line) in lines.enumerated() {
            let item = Item(item: line.item, unit: line.unit)
            if let j = seen[item] {
                throw PayloadReader.invalid("\(field)[\(i)]", "\(item) is already in \(field)[\(j)]; list each item and unit once")
            }
            seen[item] = i
            var lotsSeen: [String: Int] = [:]
            var sum = 0
            for (k, lot) in line.lots.enumerated() {
                if let j = lotsSeen[lot.donationId] {
                    throw PayloadReader.invalid(
                        "\(field)[\(i)].lots[\(k)].donationId", "lot \(lot.donationId) is already in lots[\(j)]; list each lot once")
                }
                lotsSeen[lot.donationId] = k
                sum += lot.quantity
            }
            guard sum == line.quantity else {
                throw Self.violation(
                    "\(field)[\(i)].lots", "the lots add up to \(sum) \(line.unit) of \(line.item), not the line's quantity \(line.quantity)")
            }
            for (k, lot) in line.lots.enumerated() {
                guard donations[lot.donationId] != nil else {
                    throw Self.violation("\(field)[\(i)].lots[\(k)].donationId", "no donation (lot) \(lot.donationId) was received")
                }
                let have = onHand(at: warehouseId, item, lot: lot.donationId)
                guard lot.quantity <= have else {
                    throw Self.violation(
                        "\(field)[\(i)].lots[\(k)].quantity",
                        "\(lot.quantity) \(line.unit) of \(line.item) from lot \(lot.donationId) exceeds the \(have) on hand at \(warehouseId)")
                }
            }
        }
    }

    func requireWarehouse(_ id: String, field: String) throws(EventLogError) {
        guard warehouses[id] != nil else {
            throw Self.violation(field, "warehouse \(id) is not registered; register it first (aid.warehouse-registered)")
        }
    }

    static func checkKelurahan(_ code: String, field: String) throws(EventLogError) {
        guard Mataram.kelurahan(code: code) != nil else {
            throw violation(field, "\(code) is not the code of a kelurahan of Kota Mataram (e.g. 52.71.01.1004)")
        }
    }

    static func violation(_ field: String, _ message: String) -> EventLogError {
        EventLogError(.ruleViolation, "\(field): \(message)", field: field)
    }
}
