import DomainKit
import EventLog
import MataramReference
import PersonalData

/// The whole path of the earthquake's aid beyond donations, shipments and hand-outs (documented
/// in `Fixtures/aid/README.md`, "The whole path"), at every scale, the same for every seed in its
/// dates and posts:
///
/// - **Requests**: four posko of the hardest-hit kelurahan ask a gudang for what they lack
///   (`aid.items-requested`, `RQ-2018-000001`...), the gudang commits (`aid.request-committed`)
///   and ships with `requestId`: one request is fulfilled in two shipments, one partly (the gudang
///   commits part), one cancelled before any commitment, one (29 August) committed and still
///   open at the end. A request's shipments are received as sent (no loss), so its status is the
///   one planned. What a gudang commits is set aside from its stock at once, so no other
///   shipment takes it.
/// - **Households**: the posko of the first two requests register 25 households each on 7
///   August (`aid.household-registered`, `HH-2018-000001`...; the KK number and the head's name
///   sealed under the KK's `kk` subject, as `lumbung import households` seals them) and serve all
///   of them in two rounds (`putaran-1` on 8 August, `putaran-2` on 15 August): a distribution
///   counted from the register (households = their number, people = the sum of their members),
///   then `aid.household-served` naming them. The KK numbers and names are made up. Without a
///   vault (the domain's own tests) nothing can be sealed: the rounds are then distributions with
///   the same counts, and no household is registered.
/// - **Four eyes**: at the stock-taking of 19 August a gudang writes off more than the default
///   threshold (100 units) of one lot (`needsApproval`, `requestedBy` = `AidScenario.officer`),
///   approved the next morning by another key (`aid.adjustment-approved`, `approvedBy` =
///   `AidScenario.supervisor`); the write-off of 26 August is left pending. What they take out is
///   set aside from the generator's stock when requested, so the lot still holds it at approval.
extension ScenarioGenerator {
    /// A request of the plan: who asks whom for what, and what happens to it.
    struct PlannedRequest {
        enum Outcome { case fulfilledInTwo, partly, cancelled, open }
        let posko, gudang: Int
        let items: [Int]
        let outcome: Outcome
        let day, hour, minute: Int
        var id = ""
        var lines: [(item: Int, quantity: Int)] = []
        /// What the gudang committed, set aside from its stock: lots per item, not yet shipped.
        var reserved: [(item: Int, lots: [LotQueue.Entry])] = []
    }

    /// A household of a posko's roster: its members and vulnerable members, the KK number and the
    /// head's name (made up; sealed before they leave the generator).
    struct PlannedHousehold {
        let id, kk, headName: String
        let members: Int
        let vulnerable: Vulnerable
        /// Registered (sealed in the vault): only then may a distribution name it.
        var registered = false
    }

    /// A write-off above the four-eyes threshold, and whether it gets approved.
    struct PlannedAdjustment {
        let id: String
        let approve: Bool
        var recorded: StockAdjusted?
        /// Its approval is written: the real lot no longer holds what the generator set aside.
        var approved = false
    }

    /// The state of the whole path.
    struct PathState {
        var requests: [PlannedRequest] = []
        /// Households per posko (index into `Mataram.kelurahan`).
        var rosters: [Int: [PlannedHousehold]] = [:]
        var households = 0
        var adjustments: [PlannedAdjustment] = []
        /// The households of the fire in Bintaro.
        var fire: [PlannedHousehold] = []
        /// What the posko in Lombok Utara asks for, and the lots the Mataram gudang committed.
        var tanjungLines: [(item: Int, quantity: Int)] = []
        var tanjung: [(item: Int, lots: [LotQueue.Entry])] = []
        /// The Tanjung shipment left: what was set aside for it is out of the gudang.
        var tanjungShipped = false
    }

    enum PathStep {
        case request(Int), commit(Int), ship(Int, part: Int), cancel(Int)
        case registerHouseholds(posko: Int), round(posko: Int, round: String)
        case adjustAboveThreshold(Int, gudang: Int), approve(Int)
    }

    /// Households per roster.
    static let rosterSize = 25

    /// The kelurahan (indices) by how hard they were hit, hardest first.
    var hardestHit: [Int] { weights.indices.sorted { (weights[$0], -$0) > (weights[$1], -$1) } }

    mutating func schedulePath() {
        typealias C = ScenarioCatalog
        let hardest = hardestHit
        // 7 August (day 9): three requests; 29 August (day 31): a fourth, left open.
        path.requests = [
            PlannedRequest(posko: hardest[0], gudang: 1, items: [C.beras, C.mi], outcome: .fulfilledInTwo, day: 9, hour: 7, minute: 30),
            PlannedRequest(
                posko: hardest[1], gudang: 0, items: [C.terpal, C.selimut, C.tikar], outcome: .partly, day: 9, hour: 7, minute: 45),
            PlannedRequest(posko: hardest[2], gudang: 2, items: [C.hygiene, C.obat], outcome: .cancelled, day: 9, hour: 8, minute: 0),
            PlannedRequest(posko: hardest[3], gudang: 1, items: [C.air, C.mi], outcome: .open, day: 31, hour: 8, minute: 0),
        ]
        for (n, r) in path.requests.enumerated() {
            path.requests[n].id = "RQ-2018-" + Self.padded(n + 1)
            schedule(Self.at(r.day, r.hour, r.minute), .path(.request(n)))
            switch r.outcome {
            case .fulfilledInTwo:
                schedule(Self.at(r.day, 8, 40), .path(.commit(n)))
                schedule(Self.at(r.day, 11, 0), .path(.ship(n, part: 1)))
                schedule(Self.at(r.day + 1, 9, 0), .path(.ship(n, part: 2)))
            case .partly:
                schedule(Self.at(r.day, 9, 0), .path(.commit(n)))
                schedule(Self.at(r.day, 11, 30), .path(.ship(n, part: 2)))
            case .cancelled:
                schedule(Self.at(r.day + 1, 10, 0), .path(.cancel(n)))
            case .open:
                schedule(Self.at(r.day, 10, 0), .path(.commit(n)))
            }
        }
        // Households: the posko of the first two requests.
        for (i, k) in hardest.prefix(2).enumerated() {
            schedule(Self.at(9, 6, 30 * i), .path(.registerHouseholds(posko: k)))
            schedule(Self.at(10, 8, 30 + 20 * i), .path(.round(posko: k, round: "putaran-1")))
            schedule(Self.at(17, 8, 30 + 20 * i), .path(.round(posko: k, round: "putaran-2")))
        }
        // Four eyes: a write-off approved the next morning, and one left pending.
        path.adjustments = [
            PlannedAdjustment(id: "AD-2018-" + Self.padded(1), approve: true),
            PlannedAdjustment(id: "AD-2018-" + Self.padded(2), approve: false),
        ]
        schedule(Self.at(21, 16, 45), .path(.adjustAboveThreshold(0, gudang: 1)))
        schedule(Self.at(22, 9, 15), .path(.approve(0)))
        schedule(Self.at(28, 16, 45), .path(.adjustAboveThreshold(1, gudang: 0)))
    }

    mutating func path(_ step: PathStep, at time: Int64) {
        switch step {
        case .request(let n): makeRequest(n, at: time)
        case .commit(let n): commit(n, at: time)
        case .ship(let n, let part): shipRequest(n, part: part, at: time)
        case .cancel(let n):
            let r = path.requests[n]
            guard !r.lines.isEmpty else { return }
            let t = claim(time)
            emit(
                .requestCancelled(
                    RequestCancelled(
                        requestId: r.id, reason: "kebutuhan sudah dipenuhi relawan PMI langsung di lokasi", cancelledAt: Self.text(t))), t)
        case .registerHouseholds(let k): registerHouseholds(at: k, time: time)
        case .round(let k, let round): serveRound(at: k, round: round, time: time)
        case .adjustAboveThreshold(let n, let g): adjustAboveThreshold(n, gudang: g, at: time)
        case .approve(let n): approve(n, at: time)
        }
    }

    // MARK: Requests

    mutating func makeRequest(_ n: Int, at time: Int64) {
        let r = path.requests[n]
        guard registered[poskoIndex(r.posko)], registered[r.gudang] else { return }
        // A day's ration for the kelurahan's displaced households; never more than a third of
        // what the gudang holds (so that it can commit all of it), except for the request that
        // is cancelled before anyone looks.
        var lines: [(item: Int, quantity: Int)] = []
        for i in r.items {
            let need = Self.ration(i, households: households[r.posko])
            let q = r.outcome == .cancelled ? need : min(need, stock[r.gudang][i].total / 3)
            if q > 0 { lines.append((i, q)) }
        }
        guard !lines.isEmpty else { return }
        path.requests[n].lines = lines
        let t = claim(time)
        emit(
            .itemsRequested(
                ItemsRequested(
                    requestId: r.id, warehouseId: warehouseId(poskoIndex(r.posko)),
                    lines: lines.map { Self.quantity($0.item, $0.quantity) },
                    priority: r.outcome == .open ? "sedang" : "tinggi", neededBy: Self.text(Self.at(r.day + 1, 18)),
                    requestedAt: Self.text(t))), t)
    }

    /// The gudang commits (all, or for `.partly` the first line, half the second, none of the
    /// rest), setting what it commits aside from its stock.
    mutating func commit(_ n: Int, at time: Int64) {
        let r = path.requests[n]
        guard !r.lines.isEmpty else { return }
        var reserved: [(item: Int, lots: [LotQueue.Entry])] = []
        for (j, line) in r.lines.enumerated() {
            let wanted = r.outcome != .partly ? line.quantity : j == 0 ? line.quantity : j == 1 ? line.quantity / 2 : 0
            let lots = stock[r.gudang][line.item].take(wanted)
            if !lots.isEmpty { reserved.append((line.item, lots)) }
        }
        guard !reserved.isEmpty else { return }
        path.requests[n].reserved = reserved
        let t = claim(time)
        emit(
            .requestCommitted(
                RequestCommitted(
                    requestId: r.id, fromWarehouseId: warehouseId(r.gudang),
                    lines: reserved.map { Self.quantity($0.item, $0.lots.reduce(0) { $0 + $1.quantity }) }, committedAt: Self.text(t))), t)
    }

    /// Ships part of what was committed: part 1 half of each line, part 2 all that is left.
    mutating func shipRequest(_ n: Int, part: Int, at time: Int64) {
        let r = path.requests[n]
        var lines: [(item: Int, lots: [LotQueue.Entry])] = []
        var left: [(item: Int, lots: [LotQueue.Entry])] = []
        for (item, lots) in r.reserved {
            let total = lots.reduce(0) { $0 + $1.quantity }
            let (sent, kept) = Self.split(lots, part == 1 ? total / 2 : total)
            if !sent.isEmpty { lines.append((item, sent)) }
            if !kept.isEmpty { left.append((item, kept)) }
        }
        path.requests[n].reserved = left
        guard !lines.isEmpty else { return }
        ship(lines, from: r.gudang, to: poskoIndex(r.posko), requestId: r.id, at: time)
    }

    /// Dispatches `lines` (already out of the gudang's stock) and schedules their receipt as sent.
    mutating func ship(_ lines: [(item: Int, lots: [LotQueue.Entry])], from g: Int, to w: Int, requestId: String?, at time: Int64) {
        shipments += 1
        let id = "SH-2018-" + Self.padded(shipments)
        let t = claim(time)
        emit(
            .shipmentDispatched(
                ShipmentDispatched(
                    shipmentId: id, fromWarehouseId: warehouseId(g), toWarehouseId: warehouseId(w), lines: Self.lotLines(lines),
                    vehicle: rng.element(ScenarioCatalog.warehouses[g].vehicles) ?? "Truk",
                    driver: rng.element(ScenarioCatalog.drivers) ?? "Sopir",
                    dispatchedAt: Self.text(t), requestId: requestId)), t)
        schedule(t + Int64(rng.int(60...150)) * Self.minute, .receipt(Pending(shipmentId: id, from: g, to: w, lines: lines, exact: true)))
    }

    /// The first `quantity` of `lots` (in order), and the rest.
    static func split(_ lots: [LotQueue.Entry], _ quantity: Int) -> (taken: [LotQueue.Entry], rest: [LotQueue.Entry]) {
        var remaining = quantity
        var taken: [LotQueue.Entry] = []
        var rest: [LotQueue.Entry] = []
        for var lot in lots {
            let q = min(remaining, lot.quantity)
            if q > 0 { taken.append(LotQueue.Entry(sequence: lot.sequence, donationId: lot.donationId, quantity: q)) }
            remaining -= q
            lot.quantity -= q
            if lot.quantity > 0 { rest.append(lot) }
        }
        return (taken, rest)
    }

    /// Whether the generator set stock of `item` at `warehouse` aside that the real lots still
    /// hold: committed to a request and not shipped yet, or taken by a write-off waiting for
    /// approval. The generator's queue has dropped those lots, so what it takes next may leave an
    /// earlier-expiring lot in stock: its lines say why (`LotLine.reason`).
    func heldAside(_ warehouse: String, _ item: String, _ unit: String) -> Bool {
        func named(_ i: Int) -> Bool { ScenarioCatalog.items[i].item == item && ScenarioCatalog.items[i].unit == unit }
        for r in path.requests where warehouseId(r.gudang) == warehouse {
            if r.reserved.contains(where: { named($0.item) && $0.lots.contains { $0.quantity > 0 } }) { return true }
        }
        if !path.tanjungShipped, warehouse == warehouseId(0), path.tanjung.contains(where: { named($0.item) }) { return true }
        return path.adjustments.contains { a in
            guard let r = a.recorded, !a.approved else { return false }
            return r.warehouseId == warehouse && r.item == item && r.unit == unit
        }
    }

    /// The reason lines of a dispatch or distribution give where stock is held aside (`heldAside`).
    static let heldAsideReason =
        "stok lot yang lebih dulu kedaluwarsa disisihkan untuk permintaan atau penghapusan yang menunggu persetujuan"

    /// `event` with `heldAsideReason` on its lines whose item is held aside at its warehouse.
    func explainingHeldAside(_ event: AidEvent) -> AidEvent {
        switch event {
        case .shipmentDispatched(var e):
            for i in e.lines.indices where heldAside(e.fromWarehouseId, e.lines[i].item, e.lines[i].unit) {
                e.lines[i].reason = Self.heldAsideReason
            }
            return .shipmentDispatched(e)
        case .aidDistributed(var e):
            for i in e.lines.indices where heldAside(e.warehouseId, e.lines[i].item, e.lines[i].unit) {
                e.lines[i].reason = Self.heldAsideReason
            }
            return .aidDistributed(e)
        default:
            return event
        }
    }

    static func quantity(_ i: Int, _ q: Int) -> ItemQuantity {
        ItemQuantity(item: ScenarioCatalog.items[i].item, unit: ScenarioCatalog.items[i].unit, quantity: q)
    }

    static func lotLines(_ lines: [(item: Int, lots: [LotQueue.Entry])]) -> [LotLine] {
        lines.map { line in
            let spec = ScenarioCatalog.items[line.item]
            return LotLine(
                item: spec.item, unit: spec.unit, quantity: line.lots.reduce(0) { $0 + $1.quantity },
                lots: line.lots.map { LotQuantity(donationId: $0.donationId, quantity: $0.quantity) })
        }
    }

    // MARK: Households

    /// Made-up names for heads of households (no real person's).
    static let givenNames = ["Ahmad", "Muhammad", "Siti", "Nur", "Lalu", "Baiq", "Abdul", "Sri", "Hasan", "Ni Made", "Zainal", "Rahmah"]
    static let familyNames = [
        "Hidayat", "Rahman", "Aini", "Fauzi", "Hasanah", "Saputra", "Wahyuni", "Maulana", "Ramdhani", "Sukarni", "Jamaludin", "Suhaimi",
    ]

    /// A roster of `count` made-up households living in `code`, their members adding up to
    /// `people` when given; ids `<prefix>` and a number. Draws the same numbers with or
    /// without a vault.
    mutating func roster(_ count: Int, in code: String, people: Int? = nil, idPrefix: String) -> [PlannedHousehold] {
        var members: [Int]
        if let people {
            members = Array(repeating: 3, count: count)
            var extra = people - 3 * count
            while extra > 0, let j = rng.element(members.indices.filter({ members[$0] < 8 })) {
                members[j] += 1
                extra -= 1
            }
        } else {
            members = (0..<count).map { _ in rng.int(1...7) }
        }
        let region = code.split(separator: ".").prefix(3).joined()
        return members.map { m in
            path.households += 1
            let issued = "\(Self.two(rng.int(1...28)))\(Self.two(rng.int(1...12)))\(Self.two(rng.int(5...17)))"
            let name = "\(rng.element(Self.givenNames) ?? "Ahmad") \(rng.element(Self.familyNames) ?? "Hidayat")"
            let vulnerable = Vulnerable(
                infants: min(m - 1, rng.chance(0.3) ? 1 : 0), elderly: min(m, rng.chance(0.25) ? 1 : 0),
                disabled: rng.chance(0.08) ? 1 : 0, pregnant: min(m - 1, rng.chance(0.1) ? 1 : 0))
            return PlannedHousehold(
                id: idPrefix + Self.padded(path.households),
                kk: region + issued + String(ViewKey.padded(UInt64(path.households), width: 4).suffix(4)),
                headName: name, members: m, vulnerable: vulnerable)
        }
    }

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// Registers `households` at `warehouse` (sealed in the vault; without one, nothing is
    /// written) and returns them, those registered marked.
    mutating func register(_ households: [PlannedHousehold], at warehouse: String, in code: String, incidentId: String?, time: Int64)
        -> [PlannedHousehold]
    {
        var out = households
        guard let vault else { return out }
        for (j, h) in households.enumerated() {
            let command = RegisterHousehold(
                householdId: h.id, warehouseId: warehouse, kelurahanCode: code, kk: .clear(h.kk), headName: .clear(h.headName),
                members: h.members, vulnerable: h.vulnerable, incidentId: incidentId)
            guard let sealed = try? command.sealed(in: vault), case .sealed(let kk) = sealed.kk, case .sealed(let name) = sealed.headName,
                let subject = sealed.subject
            else { continue }
            let t = claim(time)
            emit(
                .householdRegistered(
                    HouseholdRegistered(
                        householdId: h.id, warehouseId: warehouse, kelurahanCode: code, subject: subject, kk: kk, headName: name,
                        members: h.members, vulnerable: h.vulnerable, registeredAt: Self.text(t), incidentId: incidentId)), t)
            out[j].registered = true
        }
        return out
    }

    mutating func registerHouseholds(at k: Int, time: Int64) {
        let w = poskoIndex(k)
        guard registered[w] else { return }
        let code = Mataram.kelurahan[k].code
        let planned = roster(Self.rosterSize, in: code, idPrefix: "HH-2018-")
        path.rosters[k] = register(planned, at: warehouseId(w), in: code, incidentId: nil, time: time)
    }

    /// A round at posko `k`: one distribution to every household of its roster, its counts from
    /// the register, then the households it served.
    mutating func serveRound(at k: Int, round: String, time: Int64) {
        let w = poskoIndex(k)
        guard let roster = path.rosters[k], !roster.isEmpty else { return }
        let hh = roster.count
        var lines: [LotLine] = []
        let candidates = ScenarioCatalog.items.indices.filter { stock[w][$0].total > 0 }.sorted {
            ScenarioCatalog.items[$0].priority < ScenarioCatalog.items[$1].priority
        }
        for i in candidates.prefix(3) {
            let lots = stock[w][i].take(Self.ration(i, households: Double(hh)))
            guard !lots.isEmpty else { continue }
            lines += Self.lotLines([(i, lots)])
        }
        guard !lines.isEmpty else { return }
        distributions += 1
        let id = "DS-2018-" + Self.padded(distributions)
        let t = claim(time)
        emit(
            .aidDistributed(
                AidDistributed(
                    distributionId: id, warehouseId: warehouseId(w), kelurahanCode: Mataram.kelurahan[k].code, lines: lines,
                    households: hh, people: roster.reduce(0) { $0 + $1.members }, distributedAt: Self.text(t))), t)
        serve(roster, distributionId: id, round: round, incidentId: nil, at: t)
    }

    /// `aid.household-served` naming `households`, when every one of them is registered.
    mutating func serve(_ households: [PlannedHousehold], distributionId: String, round: String, incidentId: String?, at time: Int64) {
        guard !households.isEmpty, households.allSatisfy(\.registered) else { return }
        let t = claim(time)
        emit(
            .householdServed(
                HouseholdServed(
                    distributionId: distributionId, round: round, householdIds: households.map(\.id), servedAt: Self.text(t),
                    incidentId: incidentId)), t)
    }

    // MARK: Four eyes

    /// A write-off of 120-250 units of the oldest lot of an item holding at least 300 at gudang
    /// `g` (or, failing that, another gudang), pending a second officer's approval.
    mutating func adjustAboveThreshold(_ n: Int, gudang g: Int, at time: Int64) {
        for w in [g] + (0..<gudangCount).filter({ $0 != g }) {
            let items = ScenarioCatalog.items.indices.sorted { ScenarioCatalog.items[$0].priority < ScenarioCatalog.items[$1].priority }
            guard let i = items.first(where: { (stock[w][$0].first?.quantity ?? 0) >= 300 }), let lot = stock[w][i].first else { continue }
            let q = rng.int((AidDecider.defaultApprovalAbove + 20)...min(250, lot.quantity / 2))
            // Set aside now: the lot still holds it when the approval takes it out.
            let change = stock[w][i].adjustFirst(by: -q)
            let spec = ScenarioCatalog.items[i]
            let reason = rng.element(ScenarioCatalog.negativeReasons) ?? "stock opname"
            let adjustment = StockAdjusted(
                warehouseId: warehouseId(w), item: spec.item, unit: spec.unit, donationId: lot.donationId, quantity: change, reason: reason,
                incidentId: ScenarioIncidents.earthquake, adjustmentId: path.adjustments[n].id, needsApproval: true,
                requestedBy: AidScenario.officer, writeOff: ScenarioCatalog.writeOffReasons.contains(reason) ? true : nil)
            path.adjustments[n].recorded = adjustment
            let t = claim(time)
            emit(.stockAdjusted(adjustment), t)
            return
        }
    }

    mutating func approve(_ n: Int, at time: Int64) {
        guard path.adjustments[n].approve, let a = path.adjustments[n].recorded, let id = a.adjustmentId else { return }
        path.adjustments[n].approved = true
        let t = claim(time)
        emit(
            .adjustmentApproved(
                AdjustmentApproved(
                    adjustmentId: id, warehouseId: a.warehouseId, item: a.item, unit: a.unit, donationId: a.donationId,
                    quantity: a.quantity,
                    reason: a.reason, approvedBy: AidScenario.supervisor, approvedAt: Self.text(t), incidentId: a.incidentId,
                    writeOff: a.writeOff)), t)
    }
}
