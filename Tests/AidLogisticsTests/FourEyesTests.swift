import DomainKit
import EventLog
import Projections
import Testing

@testable import AidLogistics

/// Four eyes: adjustments above the threshold wait for a second officer's approval.
@Suite("Four eyes on stock adjustments")
struct FourEyesTests {
    /// gudang-a holds 500 kg beras of DN-9 (and `Fx.base`).
    static let events = Fx.base + [Fx.donate("DN-9", at: "gudang-a", [("beras", "kg", 500)], time: Fx.t(6, 11))]
    static let beras = AidDecider.Item(item: "beras", unit: "kg")

    static func adjust(_ q: Int, id: String = "AD-1", by: String = "alice") -> AidLogisticsCommand {
        .adjustStock(
            AdjustStock(
                warehouseId: "gudang-a", item: "beras", unit: "kg", donationId: "DN-9", quantity: q, reason: "karung basah",
                adjustedAt: Fx.t(7, 9), adjustmentId: id, requestedBy: by))
    }

    static func approve(_ id: String = "AD-1", by: String = "bob") -> AidLogisticsCommand {
        .approveAdjustment(ApproveAdjustment(adjustmentId: id, approvedBy: by, approvedAt: Fx.t(7, 10)))
    }

    /// Folds what `command` decides on `s`.
    static func run(_ command: AidLogisticsCommand, _ s: AidDecider.State) throws -> AidDecider.State {
        try AidDecider.run(command, s).state
    }

    static func refusal(_ command: AidLogisticsCommand, _ s: AidDecider.State) -> EventLogError? {
        do {
            _ = try AidDecider.decide(command, s)
            return nil
        } catch {
            return error
        }
    }

    @Test("an adjustment above the threshold is pending: it changes no stock until another officer approves it")
    func pendingThenApproved() throws {
        var s = try Fx.state(Self.events)
        let decided = try AidDecider.decide(Self.adjust(-150), s)
        guard case .stockAdjusted(let e) = try #require(decided.first) else {
            Issue.record("not an adjustment")
            return
        }
        #expect(e.needsApproval == true)
        #expect(e.adjustmentId == "AD-1")
        #expect(e.requestedBy == "alice")
        s = try Self.run(Self.adjust(-150), s)
        #expect(s.onHand(at: "gudang-a", Self.beras, lot: "DN-9") == 500)
        #expect(s.adjustments["AD-1"]?.approvedBy == nil)

        let approval = try AidDecider.decide(Self.approve(), s)
        guard case .adjustmentApproved(let a) = try #require(approval.first) else {
            Issue.record("not an approval")
            return
        }
        #expect(a.warehouseId == "gudang-a" && a.donationId == "DN-9" && a.quantity == -150 && a.incidentId == Fx.incident)
        s = try Self.run(Self.approve(), s)
        #expect(s.onHand(at: "gudang-a", Self.beras, lot: "DN-9") == 350)
        #expect(s.adjustments["AD-1"]?.approvedBy == "bob")
    }

    @Test("at or below the threshold an adjustment counts at once, unless it asks for approval")
    func smallCountsAtOnce() throws {
        var s = try Fx.state(Self.events)
        s = try Self.run(Self.adjust(-100), s)
        #expect(s.onHand(at: "gudang-a", Self.beras, lot: "DN-9") == 400)
        #expect(s.adjustments.isEmpty)
        var asked = AdjustStock(
            warehouseId: "gudang-a", item: "beras", unit: "kg", donationId: "DN-9", quantity: -5, reason: "x", adjustmentId: "AD-2",
            requestedBy: "alice")
        asked.needsApproval = true
        s = try Self.run(.adjustStock(asked), s)
        #expect(s.onHand(at: "gudang-a", Self.beras, lot: "DN-9") == 400)
        #expect(s.adjustments["AD-2"] != nil)
    }

    @Test("the threshold is the deployment's")
    func threshold() throws {
        var s = try Fx.state(Self.events)
        s.approvalAbove = 10
        s = try Self.run(Self.adjust(-11), s)
        #expect(s.onHand(at: "gudang-a", Self.beras, lot: "DN-9") == 500)
        #expect(s.adjustments["AD-1"] != nil)
    }

    @Test("the writer may not approve, an approval is given once, an unknown adjustment cannot be approved")
    func refusals() throws {
        let s = try Self.run(Self.adjust(-150), try Fx.state(Self.events))
        let same = try #require(Self.refusal(Self.approve(by: "alice"), s))
        #expect(same.code == .ruleViolation && same.field == "data.approvedBy")
        let approved = try Self.run(Self.approve(), s)
        let twice = try #require(Self.refusal(Self.approve(by: "carol"), approved))
        #expect(twice.code == .ruleViolation && twice.field == "data.adjustmentId")
        let unknown = try #require(Self.refusal(Self.approve("AD-nope"), s))
        #expect(unknown.code == .ruleViolation && unknown.field == "data.adjustmentId")
        // The same id twice.
        let again = try #require(Self.refusal(Self.adjust(-120), s))
        #expect(again.field == "data.adjustmentId")
    }

    @Test("a second officer may reject a pending adjustment: it never counts and can no longer be approved; the writer may not")
    func rejected() throws {
        var s = try Self.run(Self.adjust(-150), try Fx.state(Self.events))
        func reject(by: String) -> AidLogisticsCommand {
            .rejectAdjustment(
                RejectAdjustment(adjustmentId: "AD-1", reason: "tidak sesuai berita acara", rejectedBy: by, rejectedAt: Fx.t(7, 11)))
        }
        #expect(Self.refusal(reject(by: "alice"), s)?.field == "data.rejectedBy")
        let decided = try AidDecider.decide(reject(by: "bob"), s)
        guard case .adjustmentRejected(let r) = try #require(decided.first) else {
            Issue.record("not a rejection")
            return
        }
        #expect(r.warehouseId == "gudang-a" && r.incidentId == Fx.incident && r.rejectedBy == "bob")
        s = try Self.run(reject(by: "bob"), s)
        #expect(s.onHand(at: "gudang-a", Self.beras, lot: "DN-9") == 500)
        #expect(s.adjustments["AD-1"]?.rejectedBy == "bob")
        #expect(Self.refusal(Self.approve(by: "carol"), s)?.message.contains("was rejected (by bob)") == true)
        #expect(Self.refusal(reject(by: "carol"), s)?.message.contains("already rejected") == true)
        let unknown = AidLogisticsCommand.rejectAdjustment(
            RejectAdjustment(adjustmentId: "AD-9", reason: "x", rejectedBy: "bob", rejectedAt: Fx.t(7, 11)))
        #expect(Self.refusal(unknown, s)?.field == "data.adjustmentId")
    }

    @Test("an approval is checked against the stock of its moment")
    func approvalBelowZero() throws {
        var s = try Self.run(Self.adjust(-400), try Fx.state(Self.events))
        s = try Self.run(Self.adjust(-100, id: "AD-2"), s)
        s = try Self.run(Self.adjust(-100, id: "AD-3"), s)
        #expect(s.onHand(at: "gudang-a", Self.beras, lot: "DN-9") == 300)
        let e = try #require(Self.refusal(Self.approve(), s))
        #expect(e.code == .ruleViolation && e.field == "data.quantity")
    }

    @Test("an event above the threshold without needsApproval is refused; needsApproval needs its id and writer")
    func rawEvents() throws {
        let s = try Fx.state(Self.events)
        var big = StockAdjusted(
            warehouseId: "gudang-a", item: "beras", unit: "kg", donationId: "DN-9", quantity: -150, reason: "x", incidentId: Fx.incident)
        #expect(throws: EventLogError.self) { try AidDecider.check(.stockAdjusted(big), s) }
        big.needsApproval = true
        #expect(throws: EventLogError.self) { try AidDecider.check(.stockAdjusted(big), s) }
        big.adjustmentId = "AD-9"
        #expect(throws: EventLogError.self) { try AidDecider.check(.stockAdjusted(big), s) }
        big.requestedBy = "alice"
        try AidDecider.check(.stockAdjusted(big), s)
    }

    // MARK: Over the log and the views

    func append(_ log: TestLog, _ command: AidLogisticsCommand, actor: String) throws {
        let decision = try log.ruleGuard.withCurrentState(log.store) { try log.domain.decide(command, now: Timestamp(Fx.t(7, 11))!) }
        _ = try log.store.appendBlocking(try AppendRequest(events: decision.events, actor: actor))
    }

    func onHand(_ log: TestLog) throws -> Int? {
        try log.read(AidViews.stock) { v in
            try AidQueries.stock(v, warehouseId: "gudang-a", item: "beras", unit: "kg")?.warehouses.first?.items.first?.lots
                .first { $0.donationId == "DN-9" }?.onHand
        }
    }

    @Test("over the log: pending in no view until approved by another key; the writer's approval is refused, nothing written")
    func overTheLog() throws {
        let log = try TestLog()
        try log.append(Self.events)
        try append(log, Self.adjust(-150, by: "alice"), actor: "alice")
        #expect(try onHand(log) == 500)
        let pending = try log.read(AidViews.stock) { try AidQueries.pendingAdjustments($0) }
        #expect(pending.adjustments.map(\.adjustmentId) == ["AD-1"])
        #expect(pending.adjustments.first?.requestedBy == "alice")
        let trace = try log.read(AidViews.trace) { try AidQueries.trace($0, donationId: "DN-9") }
        #expect(trace?.steps.contains { $0.kind == .adjusted } == false)

        let head = try log.store.head().position
        #expect(throws: EventLogError.self) { try append(log, Self.approve(by: "alice"), actor: "alice") }
        // Naming another approver than the key writing it is forbidden.
        do {
            try append(log, Self.approve(by: "bob"), actor: "alice")
            Issue.record("an approval naming another key was written")
        } catch let e as EventLogError {
            #expect(e.code == .forbidden)
        }
        #expect(try log.store.head().position == head)

        try append(log, Self.approve(by: "bob"), actor: "bob")
        #expect(try onHand(log) == 350)
        #expect(try log.read(AidViews.stock) { try AidQueries.pendingAdjustments($0) }.adjustments.isEmpty)
        let after = try log.read(AidViews.trace) { try AidQueries.trace($0, donationId: "DN-9") }
        #expect(after?.steps.filter { $0.kind == .adjusted }.map(\.quantity) == [-150])
        #expect(after?.balance.holds == true)
        #expect(throws: EventLogError.self) { try append(log, Self.approve(by: "carol"), actor: "carol") }

        let kept = try log.ruleGuard.withCurrentState(log.store) { try log.domain.rules.state }
        #expect(kept.adjustments["AD-1"]?.approvedBy == "bob")
        #expect(kept.onHand(at: "gudang-a", Self.beras, lot: "DN-9") == 350)
    }

    @Test("an approval offered raw must copy its adjustment")
    func forgedApproval() throws {
        let log = try TestLog()
        try log.append(Self.events)
        try append(log, Self.adjust(-150, by: "alice"), actor: "alice")
        let forged = AidEvent.adjustmentApproved(
            AdjustmentApproved(
                adjustmentId: "AD-1", warehouseId: "gudang-a", item: "beras", unit: "kg", donationId: "DN-9", quantity: -15,
                reason: "karung basah", approvedBy: "test", approvedAt: Fx.t(7, 10), incidentId: Fx.incident))
        #expect(throws: EventLogError.self) { try log.append([forged]) }
        let stolen = AidEvent.stockAdjusted(
            StockAdjusted(
                warehouseId: "gudang-a", item: "beras", unit: "kg", donationId: "DN-9", quantity: -150, reason: "x",
                incidentId: Fx.incident, adjustmentId: "AD-5", needsApproval: true, requestedBy: "someone-else"))
        #expect(throws: EventLogError.self) { try log.append([stolen]) }
    }
}
