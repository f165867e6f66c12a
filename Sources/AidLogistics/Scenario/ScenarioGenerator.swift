import DomainKit
import EventLog
import MataramReference
import PersonalData
import Regions

/// Simulates aid logistics in Kota Mataram from 29 July to 31 August 2018 and writes the events
/// (see `AidScenario`). It keeps its own stock, lot by lot, so that every event it writes
/// passes the domain's rules when appended in order.
struct ScenarioGenerator {
    /// Where individual donors' names are sealed (nil: kept as the anonymous label).
    var vault: Vault?
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
        case declareEarthquake
        case reportEarthquakeImpact(day: Int)
        case fire(FireStep)
        case path(PathStep)
        case elsewhere(ElsewhereStep)
    }

    struct Pending {
        let shipmentId: String
        let from, to: Int
        let lines: [(item: Int, lots: [LotQueue.Entry])]
        /// Received exactly as sent (a request's shipment: no loss in transit).
        var exact = false
    }

    struct Scheduled {
        let time: Int64
        let order: Int
        let action: Action
        static func < (a: Scheduled, b: Scheduled) -> Bool { (a.time, a.order) < (b.time, b.order) }
    }

    let scale: Double
    /// The deployment's area: the earthquake's affected codes and its provincial reports follow it.
    let area: ServiceArea
    var rng, ids: SplitMix64
    var out: [ScenarioEvent] = []
    var last: Int64 = 0
    var heap: [Scheduled] = []
    var order = 0

    /// Warehouses: the gudang first, then one posko per kelurahan (in `Mataram.kelurahan` order).
    let gudangCount = ScenarioCatalog.warehouses.count
    var registered: [Bool]
    var stock: [[LotQueue]]
    var received: [Bool]
    var donations = 0, shipments = 0, distributions = 0
    /// The requests, households and four-eyes adjustments of the whole path (`ScenarioPath`).
    var path = PathState()

    let weights: [Double]
    let meanWeight: Double
    let households, donorCumulative, gudangCumulative: [Double]

    init(seed: UInt64, scale: Double, area: ServiceArea = .mataram) {
        self.scale = scale.isFinite ? max(0, scale) : 1
        self.area = area
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
        donorCumulative = ScenarioCatalog.donors.map {
            c += $0.weight
            return c
        }
        c = 0
        gudangCumulative = ScenarioCatalog.warehouses.map {
            c += $0.share
            return c
        }
    }

    func poskoIndex(_ k: Int) -> Int { gudangCount + k }
    func kelurahanIndex(_ w: Int) -> Int { w - gudangCount }

    func warehouseId(_ w: Int) -> String {
        w < gudangCount ? ScenarioCatalog.warehouses[w].id : "posko-\(Mataram.kelurahan[w - gudangCount].code)"
    }

    // MARK: Run

    mutating func run() -> [ScenarioEvent] {
        // The item catalog comes first: every item named after it is cataloged.
        for (i, event) in ScenarioItemCatalog.events(at: { Self.text(Self.at(0, 0, $0)) }).enumerated() {
            emit(event, claim(Self.at(0, 0, i)))
        }
        scheduleIncidents()
        schedulePath()
        scheduleElsewhere()
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
        setMinimums()
        return out
    }

    /// On the evening of 31 August each gudang sets the minimum stock it keeps for the next
    /// emergency (`aid.minimum-stock-set`): 2,000 kg beras, 300 dus mi instan, 300 dus air mineral.
    /// What lies below shows in the alerts (`GET /v1/aid/alerts`, the warehouse pages).
    mutating func setMinimums() {
        let minimums = [("beras", "kg", 2_000), ("mi instan", "dus", 300), ("air mineral", "dus", 300)]
        for g in 0..<gudangCount {
            for (i, (item, unit, minimum)) in minimums.enumerated() {
                let t = claim(Self.at(Self.days - 1, 21, 10 * g + i))
                emit(
                    .minimumStockSet(
                        MinimumStockSet(
                            warehouseId: warehouseId(g), item: item, unit: unit, minimum: minimum, setAt: Self.text(t),
                            incidentId: ScenarioIncidents.earthquake)), t)
            }
        }
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
                    schedule(
                        Self.at(day, 8) + Int64(rng.int(0...(9 * 60))) * Self.minute, .distribution(posko: k, day: day, coverage: false))
                }
            }
        }
        // Weekly stock-taking at the gudang: 12, 19 and 26 August.
        if day == 14 || day == 21 || day == 28 {
            for g in 0..<gudangCount { schedule(Self.at(day, 16, 10 * g), .stockOpname(gudang: g)) }
        }
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
        let named = ScenarioItemCatalog.dated(explainingHeldAside(event.naming(incident: ScenarioIncidents.earthquake)))
        guard let proposed = try? named.proposed(id: ids.uuid(), occurredAt: ts) else { return }
        out.append((ts, proposed))
    }

    /// The smallest integer >= `x` (x >= 0), without libm.
    static func ceiling(_ x: Double) -> Int {
        let i = Int(x)
        return Double(i) < x ? i + 1 : i
    }

    /// The number of an id (`DN-2018-000042`): 6 digits.
    static func padded(_ n: Int) -> String { ViewKey.padded(UInt64(n), width: 6) }

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
            let l = 2 * i + 1
            let r = l + 1
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
