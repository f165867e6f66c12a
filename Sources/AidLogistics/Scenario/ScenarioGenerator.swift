import DomainKit
import EventLog
import MataramReference

/// Simulates aid logistics in Kota Mataram from 29 July to 31 August 2018 and writes the events
/// (see `AidScenario`). It keeps its own stock, lot by lot, so that every event it writes
/// passes the domain's rules when appended in order.
struct ScenarioGenerator {
    typealias Output = (occurredAt: Timestamp, event: ProposedEvent)

    // MARK: Time

    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000
    /// 2018-07-29T00:00:00+08:00 (WITA).
    static let start: Int64 = 1_532_793_600_000
    /// Days simulated: 29 July ... 31 August.
    static let days = 34
    /// Day 7 (5 August), 19:46 WITA: the M7.0 earthquake.
    static let mainQuakeDay = 7
    static let mainQuake = start + 7 * day + 19 * hour + 46 * minute

    static func at(_ day: Int, _ hour: Int, _ minute: Int = 0) -> Int64 {
        start + Int64(day) * Self.day + Int64(hour) * Self.hour + Int64(minute) * Self.minute
    }

    /// RFC 3339 in WITA (`+08:00`), milliseconds only when not zero.
    static func text(_ ms: Int64) -> String {
        var s = Timestamp(millisecondsSince1970: ms + 8 * hour).description
        s.removeLast()  // "Z"
        if s.hasSuffix(".000") { s.removeLast(4) }
        return s + "+08:00"
    }

    /// Activity relative to the peak, by day (0 = 29 July): quiet before 5 August (the 29 July
    /// M6.4 hurt the city little), a surge after the M7.0 of 5 August, more after 9 August
    /// (M5.9) and after the two shocks of 19 August (M6.3, M6.9), tailing off at the end.
    static func activity(_ day: Int) -> Double {
        switch day {
        case ..<7: 0.08
        case 7: 0.05
        case 8...10: 1.0
        case 11...14: 1.1
        case 15...20: 0.7
        case 21: 0.8
        case 22...26: 1.0
        default: 0.5
        }
    }

    // MARK: State

    enum Action {
        case registerGudang(Int)
        case registerPosko(Int)
        case donation(day: Int)
        case anchorDonation(donor: Int, warehouse: Int, items: [(Int, Int)])
        case dispatchRound(gudang: Int, day: Int)
        case shipment(gudang: Int)
        case coverageShipment(gudang: Int, posko: Int)
        case receipt(Pending)
        case distribution(posko: Int, day: Int, coverage: Bool)
        case stockOpname(gudang: Int)
        case adjustment(gudang: Int)
    }

    struct Pending {
        let shipmentId: String
        let from: Int
        let to: Int
        let lines: [(item: Int, lots: [LotQueue.Entry])]
    }

    struct Scheduled {
        let time: Int64
        let order: Int
        let action: Action
        static func < (a: Scheduled, b: Scheduled) -> Bool { (a.time, a.order) < (b.time, b.order) }
    }

    let scale: Double
    var rng: SplitMix64
    var ids: SplitMix64
    var out: [Output] = []
    var last: Int64 = 0
    var heap: [Scheduled] = []
    var order = 0

    /// Warehouses: the gudang first, then one posko per kelurahan (in `Mataram.kelurahan` order).
    let gudangCount = ScenarioCatalog.warehouses.count
    var registered: [Bool]
    var stock: [[LotQueue]]
    var received: [Bool]
    var donations = 0, shipments = 0, distributions = 0

    let weights: [Double]
    let meanWeight: Double
    let households: [Double]
    let donorCumulative: [Double]
    let gudangCumulative: [Double]

    init(seed: UInt64, scale: Double) {
        self.scale = scale.isFinite ? max(0, scale) : 1
        rng = SplitMix64(seed: seed)
        ids = SplitMix64(seed: seed ^ 0x5EED_A1D0_2018_0805)
        let n = ScenarioCatalog.warehouses.count + Mataram.kelurahan.count
        registered = Array(repeating: false, count: n)
        stock = Array(repeating: Array(repeating: LotQueue(), count: ScenarioCatalog.items.count), count: n)
        received = Array(repeating: false, count: n)
        weights = Mataram.kelurahan.map { ScenarioCatalog.impactWeights[$0.code] ?? 1 }
        meanWeight = weights.reduce(0, +) / Double(max(1, weights.count))
        households = ScenarioCatalog.displaced.map { Double($0) / ScenarioCatalog.peoplePerHousehold }
        var c = 0.0
        donorCumulative = ScenarioCatalog.donors.map { c += $0.weight; return c }
        c = 0
        gudangCumulative = ScenarioCatalog.warehouses.map { c += $0.share; return c }
    }

    func poskoIndex(_ k: Int) -> Int { gudangCount + k }
    func kelurahanIndex(_ w: Int) -> Int { w - gudangCount }

    func warehouseId(_ w: Int) -> String {
        w < gudangCount ? ScenarioCatalog.warehouses[w].id : "posko-\(Mataram.kelurahan[w - gudangCount].code)"
    }

    // MARK: Run

    mutating func run() -> [Output] {
        for g in 0..<gudangCount { schedule(Self.at(0, 9, 20 * g), .registerGudang(g)) }
        // After the 29 July shock, posko in the five hardest-hit kelurahan.
        let hardest = weights.indices.sorted { (weights[$0], -$0) > (weights[$1], -$1) }
        for (i, k) in hardest.prefix(5).enumerated() { schedule(Self.at(0, 14, 35 * i), .registerPosko(k)) }
        // After the 5 August M7.0, a posko in every other kelurahan, overnight.
        for (i, k) in hardest.dropFirst(5).enumerated() {
            schedule(Self.mainQuake + 74 * Self.minute + Int64(i) * 14 * Self.minute, .registerPosko(k))
        }
        scheduleAnchors()
        for day in 0..<Self.days {
            scheduleDay(day)
            let end = Self.at(day + 1, 0)
            while let next = heap.first, next.time < end { runNext() }
        }
        while !heap.isEmpty { runNext() }
        return out
    }

    mutating func runNext() {
        guard let next = pop() else { return }
        perform(next.action, at: next.time)
    }

    /// The large first donations after the M7.0 (not scaled: they guarantee stock for a first
    /// shipment to every posko at any scale).
    mutating func scheduleAnchors() {
        typealias C = ScenarioCatalog
        func donor(_ name: String) -> Int { C.donors.firstIndex { $0.name.hasPrefix(name) } ?? 0 }
        let anchors: [(String, Int, [(Int, Int)], Int64)] = [
            ("Palang Merah", 2, [(C.hygiene, 600), (C.selimut, 800), (C.obat, 150)], Self.mainQuake + 65 * Self.minute),
            ("Hamba Allah", 0, [(C.mi, 120), (C.air, 200)], Self.mainQuake + 130 * Self.minute),
            ("Kementerian Sosial", 1, [(C.beras, 20_000), (C.mi, 2_000), (C.selimut, 3_000)], Self.at(8, 6, 0)),
            ("Perum Bulog", 1, [(C.beras, 30_000)], Self.at(8, 6, 30)),
            ("Badan Nasional", 0, [(C.terpal, 3_000), (C.selimut, 4_000), (C.tikar, 2_500), (C.hygiene, 2_000)], Self.at(8, 7, 0)),
            ("PT Tirta", 0, [(C.air, 4_000)], Self.at(8, 7, 20)),
            ("PT Indofood", 1, [(C.mi, 3_000)], Self.at(8, 7, 40)),
        ]
        for (name, w, items, t) in anchors { schedule(t, .anchorDonation(donor: donor(name), warehouse: w, items: items)) }
        // First shipment to every posko: BPBD (shelter) and Dinas Sosial (food), 6 August.
        for k in weights.indices {
            schedule(Self.at(8, 9, 0) + Int64(k) * 4 * Self.minute, .coverageShipment(gudang: 0, posko: k))
            schedule(Self.at(8, 10, 0) + Int64(k) * 4 * Self.minute, .coverageShipment(gudang: 1, posko: k))
        }
    }

    mutating func scheduleDay(_ day: Int) {
        let f = Self.activity(day)
        // Donations, 07:00-21:00 (before the quake on 5 August).
        let donationCount = rng.count(65 * f * scale)
        for _ in 0..<donationCount {
            let latest = day == Self.mainQuakeDay ? 12 * 60 : 14 * 60
            schedule(Self.at(day, 7) + Int64(rng.int(0...latest)) * Self.minute + Int64(rng.int(0...59_999)), .donation(day: day))
        }
        // Dispatch rounds: 10:00 before 5 August (BPBD only); from 7 August at 08:00 and 14:00; on 6 August at 14:00.
        if day < Self.mainQuakeDay {
            schedule(Self.at(day, 10), .dispatchRound(gudang: 0, day: day))
        } else if day > Self.mainQuakeDay {
            for g in 0..<gudangCount {
                if day > Self.mainQuakeDay + 1 { schedule(Self.at(day, 8, 5 * g), .dispatchRound(gudang: g, day: day)) }
                schedule(Self.at(day, 14, 5 * g), .dispatchRound(gudang: g, day: day))
            }
        }
        // Distributions at every posko, 08:00-17:00, more where the damage was worse.
        if day != Self.mainQuakeDay {
            for k in weights.indices {
                let n = rng.count(1.6 * f * scale * weights[k] / meanWeight)
                for _ in 0..<n {
                    schedule(Self.at(day, 8) + Int64(rng.int(0...(9 * 60))) * Self.minute, .distribution(posko: k, day: day, coverage: false))
                }
            }
        }
        // Weekly stock-taking at the gudang: 12, 19 and 26 August.
        if day == 14 || day == 21 || day == 28 {
            for g in 0..<gudangCount { schedule(Self.at(day, 16, 10 * g), .stockOpname(gudang: g)) }
        }
    }

    // MARK: Actions

    mutating func perform(_ action: Action, at time: Int64) {
        switch action {
        case .registerGudang(let g):
            let spec = ScenarioCatalog.warehouses[g]
            let t = claim(time)
            emit(.warehouseRegistered(WarehouseRegistered(warehouseId: spec.id, name: spec.name, kind: "gudang", kelurahanCode: spec.kelurahanCode)), t)
            registered[g] = true
        case .registerPosko(let k):
            let kel = Mataram.kelurahan[k]
            let t = claim(time)
            emit(.warehouseRegistered(
                WarehouseRegistered(warehouseId: warehouseId(poskoIndex(k)), name: "Posko Kelurahan \(kel.name)", kind: "posko", kelurahanCode: kel.code)), t)
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
        emit(.donationReceived(DonationReceived(
            donationId: id, warehouseId: warehouseId(w), donor: Donor(name: donor.name, kind: donor.kind), items: lines,
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
        emit(.shipmentDispatched(ShipmentDispatched(
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
        if rng.chance(0.06), let j = rng.element(Array(lines.indices)) {
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
        let chosen = (staples + candidates.prefix(rng.int(1...3))).sorted { ScenarioCatalog.items[$0].priority < ScenarioCatalog.items[$1].priority }
        let share = rng.uniform(0.1, 0.4) * (day < Self.mainQuakeDay ? 0.25 : 1)
        let hh = max(5, Int(households[k] * share + 0.5))
        let people = max(hh, Int(Double(hh) * rng.uniform(3.2, 4.2) + 0.5))
        var lines: [LotLine] = []
        for i in chosen {
            let q = min(Self.ration(i, households: Double(hh)), stock[w][i].total)
            let lots = stock[w][i].take(q)
            guard !lots.isEmpty else { continue }
            let spec = ScenarioCatalog.items[i]
            lines.append(LotLine(
                item: spec.item, unit: spec.unit, quantity: lots.reduce(0) { $0 + $1.quantity },
                lots: lots.map { LotQuantity(donationId: $0.donationId, quantity: $0.quantity) }))
        }
        guard !lines.isEmpty else { return }
        distributions += 1
        let t = claim(time)
        emit(.aidDistributed(AidDistributed(
            distributionId: "DS-2018-" + Self.padded(distributions), warehouseId: warehouseId(w), kelurahanCode: Mataram.kelurahan[k].code,
            lines: lines, households: hh, people: people, distributedAt: Self.text(t))), t)
    }

    /// Stock-taking: the oldest lot of one item found short (damaged, expired) or, now and
    /// then, over what the books say.
    mutating func adjust(_ g: Int, at time: Int64) {
        let candidates = ScenarioCatalog.items.indices.filter { stock[g][$0].total > 0 }
        guard let i = rng.element(candidates), let lot = stock[g][i].first else { return }
        let positive = rng.chance(0.2)
        let size = max(1, lot.quantity / 50)
        let delta = positive ? rng.int(1...size) : -rng.int(1...min(lot.quantity, size))
        let change = stock[g][i].adjustFirst(by: delta)
        guard change != 0 else { return }
        let spec = ScenarioCatalog.items[i]
        let t = claim(time)
        let reason = (positive ? rng.element(ScenarioCatalog.positiveReasons) : rng.element(ScenarioCatalog.negativeReasons)) ?? "stock opname"
        emit(.stockAdjusted(StockAdjusted(
            warehouseId: warehouseId(g), item: spec.item, unit: spec.unit, donationId: lot.donationId, quantity: change,
            reason: reason)), t)
    }

    // MARK: Output

    /// The time an event may take: `time`, or just after the previous event, so that every
    /// event's occurredAt is strictly later than the one before.
    mutating func claim(_ time: Int64) -> Int64 {
        let t = max(time, last + 1)
        last = t
        return t
    }

    mutating func emit(_ event: AidEvent, _ time: Int64) {
        let ts = Timestamp(millisecondsSince1970: time)
        guard let proposed = try? event.proposed(id: ids.uuid(), occurredAt: ts) else { return }
        out.append((ts, proposed))
    }

    /// The smallest integer >= `x` (x >= 0), without libm.
    static func ceiling(_ x: Double) -> Int {
        let i = Int(x)
        return Double(i) < x ? i + 1 : i
    }

    static func padded(_ n: Int) -> String {
        let s = String(n)
        return s.count >= 6 ? s : String(repeating: "0", count: 6 - s.count) + s
    }

    // MARK: Queue

    mutating func schedule(_ time: Int64, _ action: Action) {
        order += 1
        heap.append(Scheduled(time: time, order: order, action: action))
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[i] < heap[parent] else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Scheduled? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count, heap[l] < heap[m] { m = l }
            if r < heap.count, heap[r] < heap[m] { m = r }
            if m == i { break }
            heap.swapAt(i, m)
            i = m
        }
        return top
    }
}
