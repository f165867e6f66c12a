import EventLog

/// The decider of the aid domain: pure functions from a command and the state to events, and
/// from a state and an event to the next state. No storage, no clock, no randomness.
public enum AidDecider {
    /// Decides a command whose ids and times are given (see `AidLogisticsCommand.resolved`).
    ///
    /// - Lines of a dispatch or distribution without `lots` are taken first-in-first-out (by the
    ///   donation's receipt order) from the source's lots, and the lots are recorded in the event.
    /// - `receive-shipment` without `lines` receives every dispatched lot in full.
    /// - The event is checked by `AidState.check` (the same rules as every other door).
    ///
    /// Throws `.invalidInput` for a missing id or time, `.ruleViolation` for a rule; field paths
    /// are those of the command's body.
    public static func decide(_ command: AidLogisticsCommand, _ state: AidState) throws(EventLogError) -> [AidEvent] {
        let event: AidEvent
        switch command {
        case .registerWarehouse(let c):
            event = .warehouseRegistered(
                WarehouseRegistered(warehouseId: try need(c.warehouseId, "warehouseId"), name: c.name, kind: c.kind, kelurahanCode: c.kelurahanCode))
        case .receiveDonation(let c):
            event = .donationReceived(
                DonationReceived(
                    donationId: try need(c.donationId, "donationId"), warehouseId: c.warehouseId, donor: c.donor, items: c.items,
                    receivedAt: try need(c.receivedAt, "receivedAt")))
        case .dispatchShipment(let c):
            let lines = try fill(c.lines, at: c.fromWarehouseId, state)
            event = .shipmentDispatched(
                ShipmentDispatched(
                    shipmentId: try need(c.shipmentId, "shipmentId"), fromWarehouseId: c.fromWarehouseId,
                    toWarehouseId: c.toWarehouseId, lines: lines, vehicle: c.vehicle, driver: c.driver,
                    dispatchedAt: try need(c.dispatchedAt, "dispatchedAt")))
        case .receiveShipment(let c):
            var lines = c.lines
            if lines == nil, let s = state.shipments[c.shipmentId], !s.received {
                lines = s.lots.sorted { (state.sequence(of: $0.key.donationId), $0.key.item) < (state.sequence(of: $1.key.donationId), $1.key.item) }
                    .map { ReceivedLine(item: $0.key.item.item, unit: $0.key.item.unit, donationId: $0.key.donationId, quantity: $0.value) }
            }
            event = .shipmentReceived(
                ShipmentReceived(
                    shipmentId: c.shipmentId, lines: lines ?? [], receivedAt: try need(c.receivedAt, "receivedAt"), notes: c.notes ?? ""))
        case .distributeAid(let c):
            let lines = try fill(c.lines, at: c.warehouseId, state)
            event = .aidDistributed(
                AidDistributed(
                    distributionId: try need(c.distributionId, "distributionId"), warehouseId: c.warehouseId,
                    kelurahanCode: c.kelurahanCode, lines: lines, households: c.households, people: c.people,
                    distributedAt: try need(c.distributedAt, "distributedAt")))
        case .adjustStock(let c):
            event = .stockAdjusted(
                StockAdjusted(
                    warehouseId: c.warehouseId, item: c.item, unit: c.unit, donationId: c.donationId, quantity: c.quantity,
                    reason: c.reason))
        }
        try state.check(event, root: "")
        return [event]
    }

    /// The state after `event` (a copy; the rules change their state in place instead).
    public static func evolve(_ state: AidState, _ event: AidEvent) -> AidState {
        var next = state
        next.apply(event)
        return next
    }

    /// Lines with their lots: as given, or first-in-first-out from `warehouseId`'s stock. A
    /// line asking for more than the warehouse holds of the item is refused here, naming the
    /// total; an unknown warehouse is left to `AidState.check`.
    static func fill(_ lines: [RequestedLine], at warehouseId: String, _ state: AidState) throws(EventLogError) -> [LotLine] {
        var taken: [AidState.LotKey: Int] = [:]
        var out: [LotLine] = []
        for (i, line) in lines.enumerated() {
            if let lots = line.lots {
                out.append(LotLine(item: line.item, unit: line.unit, quantity: line.quantity, lots: lots))
                continue
            }
            guard state.warehouses[warehouseId] != nil else {
                out.append(LotLine(item: line.item, unit: line.unit, quantity: line.quantity, lots: []))
                continue
            }
            let item = AidState.Item(item: line.item, unit: line.unit)
            var remaining = line.quantity
            var lots: [LotQuantity] = []
            var available = 0
            for lot in state.lots(at: warehouseId, item) {
                let key = AidState.LotKey(warehouseId: warehouseId, item: item, donationId: lot.donationId)
                let free = lot.quantity - (taken[key] ?? 0)
                guard free > 0 else { continue }
                available += free
                guard remaining > 0 else { continue }
                let q = min(free, remaining)
                lots.append(LotQuantity(donationId: lot.donationId, quantity: q))
                taken[key, default: 0] += q
                remaining -= q
            }
            guard remaining == 0 else {
                throw AidState.violation(
                    "lines[\(i)].quantity",
                    "\(line.quantity) \(line.unit) of \(line.item) exceeds the \(available) on hand at \(warehouseId) (all lots)")
            }
            out.append(LotLine(item: line.item, unit: line.unit, quantity: line.quantity, lots: lots))
        }
        return out
    }

    static func need(_ value: String?, _ field: String) throws(EventLogError) -> String {
        guard let value else { throw PayloadReader.invalid(field, "is required") }
        return value
    }
}

extension AidState {
    /// The receipt order of a donation (`Int.max` when unknown).
    func sequence(of donationId: String) -> Int { donations[donationId]?.sequence ?? .max }
}
