import DomainKit
import EventLog
import MataramReference

/// What the scenario's actions do: each writes its events and keeps the generator's stock.
extension ScenarioGenerator {
    mutating func perform(_ action: Action, at time: Int64) {
        switch action {
        case .registerGudang(let g):
            let spec = ScenarioCatalog.warehouses[g]
            let t = claim(time)
            emit(
                .warehouseRegistered(
                    WarehouseRegistered(warehouseId: spec.id, name: spec.name, kind: "gudang", kelurahanCode: spec.kelurahanCode)), t)
            registered[g] = true
        case .registerPosko(let k):
            let kel = Mataram.kelurahan[k]
            let t = claim(time)
            emit(
                .warehouseRegistered(
                    WarehouseRegistered(
                        warehouseId: warehouseId(poskoIndex(k)), name: "Posko Kelurahan \(kel.name)", kind: "posko", kelurahanCode: kel.code
                    )), t)
            registered[poskoIndex(k)] = true
        case .donation(let day):
            randomDonation(day: day, at: time)
        case .anchorDonation(let donor, let w, let items):
            donate(donor: donor, to: w, items: items, at: time)
        case .dispatchRound(let g, let day):
            // Before 5 August about 1.5 shipments a day to the early posko; after it, by activity.
            let mean = day < Self.mainQuakeDay ? 1.5 * scale : ScenarioCatalog.warehouses[g].shipmentsPerRound * Self.activity(day) * scale
            for _ in 0..<rng.count(mean) {
                schedule(time + Int64(rng.int(0...150)) * Self.minute + Int64(rng.int(0...59_999)), .shipment(gudang: g))
            }
        case .shipment(let g):
            guard let k = pickPosko() else { return }
            dispatch(from: g, to: k, at: time, maxItems: rng.int(2...4), coverage: false)
        case .coverageShipment(let g, let k):
            dispatch(from: g, to: k, at: time, maxItems: 5, coverage: true)
        case .receipt(let p):
            receive(p, at: time)
        case .distribution(let k, let day, let coverage):
            distribute(at: k, day: day, time: time, coverage: coverage)
        case .stockOpname(let g):
            for j in 0..<max(1, rng.count(2 * scale)) {
                schedule(time + Int64(j) * 7 * Self.minute, .adjustment(gudang: g))
            }
        case .adjustment(let g):
            adjust(g, at: time)
        case .declareEarthquake:
            declareEarthquake(at: time)
        case .reportEarthquakeImpact(let day):
            reportEarthquakeImpact(day: day, at: time)
        case .fire(let step):
            fire(step, at: time)
        case .path(let step):
            path(step, at: time)
        case .elsewhere(let step):
            elsewhere(step, at: time)
        }
    }

    mutating func pickPosko() -> Int? {
        var cumulative: [Double] = []
        var indices: [Int] = []
        var c = 0.0
        for k in weights.indices where registered[poskoIndex(k)] {
            c += weights[k]
            cumulative.append(c)
            indices.append(k)
        }
        guard !indices.isEmpty else { return nil }
        return indices[rng.pick(cumulative: cumulative)]
    }

    mutating func randomDonation(day: Int, at time: Int64) {
        let d = rng.pick(cumulative: donorCumulative)
        let donor = ScenarioCatalog.donors[d]
        var choices = donor.items
        var items: [(Int, Int)] = []
        let count = rng.int(1...min(3, choices.count))
        for _ in 0..<count {
            let i = rng.int(0...(choices.count - 1))
            let spec = ScenarioCatalog.items[choices[i]]
            choices.remove(at: i)
            let upper = Double(spec.lot.lowerBound) + Double(spec.lot.upperBound - spec.lot.lowerBound) * donor.size
            let raw = rng.uniform(Double(spec.lot.lowerBound) * min(1, donor.size * 2), max(Double(spec.lot.lowerBound), upper))
            let q = max(spec.step, Int(raw / Double(spec.step)) * spec.step)
            items.append((ScenarioCatalog.items.firstIndex { $0.item == spec.item && $0.unit == spec.unit } ?? 0, q))
        }
        var w: Int
        if rng.chance(donor.direct), let k = pickPosko() {
            w = poskoIndex(k)
        } else {
            w = donor.gudang ?? rng.pick(cumulative: gudangCumulative)
        }
        if !registered[w] { w = 0 }
        donate(donor: d, to: w, items: items, at: time)
    }

    mutating func donate(donor d: Int, to w: Int, items: [(Int, Int)], at time: Int64) {
        guard registered[w], !items.isEmpty else { return }
        let donor = ScenarioCatalog.donors[d]
        donations += 1
        let id = "DN-2018-" + Self.padded(donations)
        let t = claim(time)
        var lines: [ItemQuantity] = []
        for (i, q) in items {
            let spec = ScenarioCatalog.items[i]
            lines.append(ItemQuantity(item: spec.item, unit: spec.unit, quantity: q))
            stock[w][i].add(sequence: donations, donationId: id, quantity: q)
        }
        var giver = Donor(name: donor.name, kind: donor.kind)
        if let vault, giver.isIndividual {
            giver.id = "DR-2018-" + Self.padded(d + 1)
            giver = (try? giver.sealed(in: vault)) ?? Donor(name: Donor.anonymous, kind: donor.kind)
        }
        emit(
            .donationReceived(
                DonationReceived(
                    donationId: id, warehouseId: warehouseId(w), donor: giver, items: lines,
                    receivedAt: Self.text(t))), t)
    }

    /// Quantity of item `i` for `households` households (at least 1).
    static func ration(_ i: Int, households: Double) -> Int {
        let spec = ScenarioCatalog.items[i]
        return max(1, ceiling(households * Double(spec.ration) / Double(spec.perHouseholds)))
    }

    mutating func dispatch(from g: Int, to k: Int, at time: Int64, maxItems: Int, coverage: Bool) {
        let w = poskoIndex(k)
        guard registered[g], registered[w] else { return }
        var candidates = ScenarioCatalog.items.indices.filter { stock[g][$0].total > 0 }
        if !coverage { rng.shuffle(&candidates) }
        var lines: [(item: Int, lots: [LotQueue.Entry])] = []
        for i in candidates.prefix(maxItems) {
            let target = households[k] * rng.uniform(0.5, 1.5)
            let available = stock[g][i].total
            let q = min(Self.ration(i, households: target), max(1, available * 2 / 5), available)
            let lots = stock[g][i].take(q)
            if !lots.isEmpty { lines.append((i, lots)) }
        }
        guard !lines.isEmpty else { return }
        shipments += 1
        let id = "SH-2018-" + Self.padded(shipments)
        let t = claim(time)
        let vehicle = rng.element(ScenarioCatalog.warehouses[g].vehicles) ?? "Truk"
        let driver = rng.element(ScenarioCatalog.drivers) ?? "Sopir"
        emit(
            .shipmentDispatched(
                ShipmentDispatched(
                    shipmentId: id, fromWarehouseId: warehouseId(g), toWarehouseId: warehouseId(w),
                    lines: lines.map { line in
                        let spec = ScenarioCatalog.items[line.item]
                        return LotLine(
                            item: spec.item, unit: spec.unit, quantity: line.lots.reduce(0) { $0 + $1.quantity },
                            lots: line.lots.map { LotQuantity(donationId: $0.donationId, quantity: $0.quantity) })
                    },
                    vehicle: vehicle, driver: driver, dispatchedAt: Self.text(t))), t)
        schedule(t + Int64(rng.int(40...180)) * Self.minute, .receipt(Pending(shipmentId: id, from: g, to: w, lines: lines)))
    }

    mutating func receive(_ p: Pending, at time: Int64) {
        var lines = p.lines
        var notes = rng.element(ScenarioCatalog.fullNotes) ?? ""
        if !p.exact, rng.chance(0.06), let j = rng.element(Array(lines.indices)) {
            // Some of one line lost in transit, taken from its last lots.
            let q = lines[j].lots.reduce(0) { $0 + $1.quantity }
            var lost = max(1, Int(Double(q) * rng.uniform(0.01, 0.06)))
            let spec = ScenarioCatalog.items[lines[j].item]
            notes = "\(lost) \(spec.unit) \(spec.item) \(rng.element(ScenarioCatalog.lossNotes) ?? "hilang")"
            var lots = lines[j].lots
            var idx = lots.count - 1
            while lost > 0, idx >= 0 {
                let take = min(lost, lots[idx].quantity)
                lots[idx].quantity -= take
                lost -= take
                idx -= 1
            }
            lines[j].lots = lots.filter { $0.quantity > 0 }
        }
        let t = claim(time)
        var received: [ReceivedLine] = []
        for line in lines {
            let spec = ScenarioCatalog.items[line.item]
            for lot in line.lots {
                received.append(ReceivedLine(item: spec.item, unit: spec.unit, donationId: lot.donationId, quantity: lot.quantity))
                stock[p.to][line.item].add(sequence: lot.sequence, donationId: lot.donationId, quantity: lot.quantity)
            }
        }
        emit(.shipmentReceived(ShipmentReceived(shipmentId: p.shipmentId, lines: received, receivedAt: Self.text(t), notes: notes)), t)
        if !self.received[p.to] {
            self.received[p.to] = true
            let day = Int((t - Self.start) / Self.day)
            schedule(t + Int64(rng.int(60...180)) * Self.minute, .distribution(posko: kelurahanIndex(p.to), day: day, coverage: true))
        }
    }

    mutating func distribute(at k: Int, day: Int, time: Int64, coverage: Bool) {
        let w = poskoIndex(k)
        guard registered[w] else { return }
        var candidates = ScenarioCatalog.items.indices.filter { stock[w][$0].total > 0 }
        guard !candidates.isEmpty else { return }
        // Staples (rice, noodles) whenever the post has them, then a few other items.
        let staples = candidates.filter { ScenarioCatalog.items[$0].priority <= 2 }
        candidates.removeAll { ScenarioCatalog.items[$0].priority <= 2 }
        rng.shuffle(&candidates)
        let chosen = (staples + candidates.prefix(rng.int(1...3))).sorted {
            ScenarioCatalog.items[$0].priority < ScenarioCatalog.items[$1].priority
        }
        let share = rng.uniform(0.1, 0.4) * (day < Self.mainQuakeDay ? 0.25 : 1)
        let hh = max(5, Int(households[k] * share + 0.5))
        let people = max(hh, Int(Double(hh) * rng.uniform(3.2, 4.2) + 0.5))
        var lines: [LotLine] = []
        for i in chosen {
            let q = min(Self.ration(i, households: Double(hh)), stock[w][i].total)
            let lots = stock[w][i].take(q)
            guard !lots.isEmpty else { continue }
            let spec = ScenarioCatalog.items[i]
            lines.append(
                LotLine(
                    item: spec.item, unit: spec.unit, quantity: lots.reduce(0) { $0 + $1.quantity },
                    lots: lots.map { LotQuantity(donationId: $0.donationId, quantity: $0.quantity) }))
        }
        guard !lines.isEmpty else { return }
        distributions += 1
        let t = claim(time)
        emit(
            .aidDistributed(
                AidDistributed(
                    distributionId: "DS-2018-" + Self.padded(distributions), warehouseId: warehouseId(w),
                    kelurahanCode: Mataram.kelurahan[k].code,
                    lines: lines, households: hh, people: people, distributedAt: Self.text(t))), t)
    }

    /// Stock-taking: the oldest lot of one item found short (damaged, expired) or, now and
    /// then, over what the books say.
    mutating func adjust(_ g: Int, at time: Int64) {
        let candidates = ScenarioCatalog.items.indices.filter { stock[g][$0].total > 0 }
        guard let i = rng.element(candidates), let lot = stock[g][i].first else { return }
        let positive = rng.chance(0.2)
        // At most 100 units: what counts without a second officer's approval by default.
        let size = max(1, min(AidDecider.defaultApprovalAbove, lot.quantity / 50))
        let delta = positive ? rng.int(1...size) : -rng.int(1...min(lot.quantity, size))
        let change = stock[g][i].adjustFirst(by: delta)
        guard change != 0 else { return }
        let spec = ScenarioCatalog.items[i]
        let t = claim(time)
        let reason =
            (positive ? rng.element(ScenarioCatalog.positiveReasons) : rng.element(ScenarioCatalog.negativeReasons)) ?? "stock opname"
        emit(
            .stockAdjusted(
                StockAdjusted(
                    warehouseId: warehouseId(g), item: spec.item, unit: spec.unit, donationId: lot.donationId, quantity: change,
                    reason: reason, writeOff: ScenarioCatalog.writeOffReasons.contains(reason) ? true : nil)), t)
    }
}
