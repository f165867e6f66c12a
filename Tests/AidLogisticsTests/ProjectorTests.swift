import Crypto
import EventLog
import MataramReference
import PersonalData
import Projections
import Testing

@testable import AidLogistics

/// `Fx.base`, then: SH-1 received with 2 kg beras lost; 50 kg beras and 10 dus mi of DN-1
/// distributed at posko-b; 5 kg of DN-2 written off at gudang-a; SH-2 takes 20 kg of DN-2 to
/// posko-b (on its way); DN-3 (15 lembar tikar) handed in at posko-b.
let story: [AidEvent] =
    Fx.base + [
        Fx.receive("SH-1", [("beras", "kg", "DN-1", 78), ("mi instan", "dus", "DN-1", 10)], notes: "2 kg beras tumpah"),
        Fx.distribute(
            "DS-1", at: "posko-b", [Fx.line("beras", "kg", [("DN-1", 50)]), Fx.line("mi instan", "dus", [("DN-1", 10)])],
            households: 20, people: 75),
        Fx.adjust("gudang-a", "beras", "kg", lot: "DN-2", -5, reason: "rusak terkena hujan"),
        Fx.dispatch("SH-2", from: "gudang-a", to: "posko-b", [Fx.line("beras", "kg", [("DN-2", 20)])], time: Fx.t(7, 9)),
        Fx.donate("DN-3", at: "posko-b", [("tikar", "lembar", 15)], donor: "Hamba Allah", kind: "individual", time: Fx.t(7, 10)),
    ]

@Suite("Projectors and queries over a real log")
struct ProjectorTests {
    @Test("aid.stock: per warehouse, item and lot, on hand and in transit")
    func stock() throws {
        let log = try TestLog()
        try log.append(story)
        let all = try #require(try log.read(StockProjector.viewName) { try AidQueries.stock($0) })
        #expect(all.warehouses.map(\.warehouse.warehouseId) == ["gudang-a", "posko-b"])
        let a = all.warehouses[0]
        #expect(
            a.warehouse
                == StockReport.Warehouse(
                    warehouseId: "gudang-a", name: "Gudang gudang-a", kind: "gudang", kelurahanCode: Fx.rembiga, kelurahanName: "Rembiga",
                    kecamatanName: "Selaparang"))
        #expect(
            a.items == [
                StockReport.Item(
                    item: "beras", unit: "kg", onHand: 45, inTransit: 20,
                    lots: [
                        StockReport.Lot(donationId: "DN-1", onHand: 20, inTransit: 0),
                        StockReport.Lot(donationId: "DN-2", onHand: 25, inTransit: 20),
                    ]),
                StockReport.Item(
                    item: "mi instan", unit: "dus", onHand: 10, inTransit: 0,
                    lots: [StockReport.Lot(donationId: "DN-1", onHand: 10, inTransit: 0)]),
            ])
        #expect(
            all.warehouses[1].items == [
                StockReport.Item(
                    item: "beras", unit: "kg", onHand: 28, inTransit: 0,
                    lots: [StockReport.Lot(donationId: "DN-1", onHand: 28, inTransit: 0)]),
                StockReport.Item(
                    item: "tikar", unit: "lembar", onHand: 15, inTransit: 0,
                    lots: [StockReport.Lot(donationId: "DN-3", onHand: 15, inTransit: 0)]),
            ])
        #expect(
            all.totals == [
                StockReport.Total(item: "beras", unit: "kg", onHand: 73, inTransit: 20, warehouses: 2),
                StockReport.Total(item: "mi instan", unit: "dus", onHand: 10, inTransit: 0, warehouses: 1),
                StockReport.Total(item: "tikar", unit: "lembar", onHand: 15, inTransit: 0, warehouses: 1),
            ])
        let tikar = try #require(try log.read(StockProjector.viewName) { try AidQueries.stock($0, item: "tikar") })
        #expect(tikar.warehouses.map(\.warehouse.warehouseId) == ["posko-b"])
        let one = try #require(
            try log.read(StockProjector.viewName) { try AidQueries.stock($0, warehouseId: "posko-b", item: "beras", unit: "kg") })
        #expect(one.warehouses.count == 1 && one.warehouses[0].items.map(\.item) == ["beras"])
        #expect(try log.read(StockProjector.viewName) { try AidQueries.stock($0, warehouseId: "gudang-z") } == nil)

        // The receipt of SH-2 moves the 20 kg out of transit and onto posko-b's shelves.
        try log.append([Fx.receive("SH-2", [("beras", "kg", "DN-2", 20)], time: Fx.t(7, 11))])
        let after = try #require(try log.read(StockProjector.viewName) { try AidQueries.stock($0, item: "beras") })
        #expect(after.totals == [StockReport.Total(item: "beras", unit: "kg", onHand: 93, inTransit: 0, warehouses: 2)])
    }

    @Test("aid.kelurahan: all 50 kelurahan, received at posko, distributed, households, people")
    func kelurahan() throws {
        let log = try TestLog()
        try log.append(story)
        let report = try log.read(KelurahanProjector.viewName) { try AidQueries.kelurahan($0) }
        #expect(report.kelurahan.count == 50)
        #expect(report.kelurahan.map(\.code) == Mataram.kelurahan.map(\.code))
        let selagalas = try #require(report.kelurahan.first { $0.code == Fx.selagalas })
        #expect(selagalas.name == "Selagalas" && selagalas.kecamatanName == "Sandubaya" && selagalas.kecamatanCode == "52.71.06")
        #expect(selagalas.posko == ["posko-b"])
        #expect(selagalas.shipmentsReceived == 1 && selagalas.donationsReceived == 1)
        #expect(selagalas.distributions == 1 && selagalas.households == 20 && selagalas.people == 75)
        #expect(
            selagalas.items == [
                KelurahanReport.Item(item: "beras", unit: "kg", received: 78, distributed: 50),
                KelurahanReport.Item(item: "mi instan", unit: "dus", received: 10, distributed: 10),
                KelurahanReport.Item(item: "tikar", unit: "lembar", received: 15, distributed: 0),
            ])
        // gudang-a lies in Rembiga but is no posko: nothing counts as received there.
        let rembiga = try #require(report.kelurahan.first { $0.code == Fx.rembiga })
        #expect(rembiga.items.isEmpty && rembiga.posko.isEmpty && rembiga.distributions == 0)
        #expect(report.totals.kelurahanServed == 1 && report.totals.people == 75 && report.totals.households == 20)
        #expect(try log.read(KelurahanProjector.viewName) { try AidQueries.kelurahan($0, code: Fx.selagalas) } == selagalas)
        #expect(try log.read(KelurahanProjector.viewName) { try AidQueries.kelurahan($0, code: "52.71.99.0000") } == nil)
    }

    @Test("aid.trace: every step of a donation, in order, adding up")
    func trace() throws {
        let log = try TestLog()
        try log.append(story)
        let t = try #require(try log.read(TraceProjector.viewName) { try AidQueries.trace($0, donationId: "DN-1") })
        #expect(t.donation.donor == Donor(name: "BNPB", kind: "government"))
        #expect(t.donation.warehouseName == "Gudang gudang-a")
        #expect(
            t.steps.map(\.kind) == [
                .donated, .donated, .dispatched, .dispatched, .received, .lostInTransit, .received, .distributed, .distributed,
            ])
        #expect(t.steps.map(\.quantity) == [100, 20, 80, 10, 78, 2, 10, 50, 10])
        #expect(t.steps.map(\.position) == t.steps.map(\.position).sorted())
        #expect(t.steps[5].notes == "2 kg beras tumpah" && t.steps[5].shipmentId == "SH-1" && t.steps[5].toWarehouseId == "posko-b")
        #expect(t.steps[7].kelurahanName == "Selagalas" && t.steps[7].households == 20 && t.steps[7].distributionId == "DS-1")
        #expect(t.steps[2].vehicle == "Truk BPBD DR 8011 AM" && t.steps[2].occurredAt == "2018-08-06T02:00:00.000Z")
        #expect(t.balance.identity == "donated = onHand + inTransit + distributed + lost + writtenOff + adjusted")
        #expect(t.balance.holds)
        #expect(
            t.balance.items == [
                DonationTrace.ItemBalance(
                    item: "beras", unit: "kg", donated: 100, onHand: 48,
                    onHandByWarehouse: [
                        DonationTrace.Holding(warehouseId: "gudang-a", warehouseName: "Gudang gudang-a", quantity: 20),
                        DonationTrace.Holding(warehouseId: "posko-b", warehouseName: "Gudang posko-b", quantity: 28),
                    ],
                    inTransit: 0, distributed: 50, lost: 2, writtenOff: 0, adjusted: 0, accountedFor: 100, holds: true),
                DonationTrace.ItemBalance(
                    item: "mi instan", unit: "dus", donated: 20, onHand: 10,
                    onHandByWarehouse: [DonationTrace.Holding(warehouseId: "gudang-a", warehouseName: "Gudang gudang-a", quantity: 10)],
                    inTransit: 0, distributed: 10, lost: 0, writtenOff: 0, adjusted: 0, accountedFor: 20, holds: true),
            ])
        let t2 = try #require(try log.read(TraceProjector.viewName) { try AidQueries.trace($0, donationId: "DN-2") })
        #expect(t2.steps.map(\.kind) == [.donated, .adjusted, .dispatched])
        #expect(t2.steps[1].quantity == -5 && t2.steps[1].reason == "rusak terkena hujan")
        let b = try #require(t2.balance.items.first)
        #expect(b.onHand == 25 && b.inTransit == 20 && b.adjusted == 5 && b.holds)
        #expect(try log.read(TraceProjector.viewName) { try AidQueries.trace($0, donationId: "DN-404") } == nil)
    }

    @Test("the trace's balance says so when quantities do not add up")
    func balanceDetectsGaps() throws {
        let t = try #require(try TestLog().appendingStory { try AidQueries.trace($0, donationId: "DN-1") })
        var steps = t.steps
        steps.removeLast()
        #expect(AidQueries.balance(of: t.donation, steps: steps).holds)  // without a distribution the stock is still on hand
        steps.remove(at: 5)  // forget the loss in transit of a received shipment
        let broken = AidQueries.balance(of: t.donation, steps: steps)
        #expect(!broken.holds)
        #expect(broken.items[0].accountedFor == 98 && broken.items[0].donated == 100 && !broken.items[0].holds)
        #expect(broken.items[1].holds)
        var noDonation = t.steps
        noDonation.removeFirst()
        #expect(!AidQueries.balance(of: t.donation, steps: noDonation).holds)
    }

    @Test("aid.donors and aid.trace: an individual is Hamba Allah unless they agreed to be named; a named one opens at query time")
    func individualDonors() throws {
        let log = try TestLog()
        let vault = try Vault(directory: Fx.tempDirectory(), masterKey: SymmetricKey(size: .bits256))
        func sealed(_ id: String, _ at: String, _ q: Int, _ name: String, publicName: Bool?, time: String) throws -> AidEvent {
            guard case .donationReceived(var d) = Fx.donate(id, at: "posko-b", [("tikar", "lembar", q)], time: time) else {
                throw EventLogError(.invalidInput, "not a donation")
            }
            d.donor = try Donor(name: name, kind: "individual", publicName: publicName, id: at).sealed(in: vault)
            return .donationReceived(d)
        }
        try log.append(
            Fx.base + [
                try sealed("DN-7", "DR-7", 2, "Baiq Nurul Aini", publicName: nil, time: Fx.t(7, 10)),
                try sealed("DN-8", "DR-8", 3, "Lalu Muhammad", publicName: true, time: Fx.t(7, 11)),
                Fx.donate(
                    "DN-9", at: "posko-b", [("tikar", "lembar", 4)], donor: "Yayasan Peduli", kind: "ngo", publicName: false,
                    time: Fx.t(7, 12)),
            ])
        let open = Donor.nameOpener(vault)
        let report = try log.read(DonorsProjector.viewName) { try AidQueries.donors($0, opening: open) }
        let names = report.donors.map(\.name)
        #expect(names.contains("Hamba Allah") && names.contains("Lalu Muhammad") && names.contains("Yayasan Peduli"))
        #expect(!names.contains("Baiq Nurul Aini"))
        // Without the vault, the named individual is anonymous too.
        let closed = try log.read(DonorsProjector.viewName) { try AidQueries.donors($0) }.donors.map(\.name)
        #expect(!closed.contains("Lalu Muhammad") && closed.filter { $0 == "Hamba Allah" }.count == 2)
        let trace = try #require(try log.read(TraceProjector.viewName) { try AidQueries.trace($0, donationId: "DN-7", opening: open) })
        #expect(trace.donation.donor == Donor(name: "Hamba Allah", kind: "individual"))
        let named = try #require(try log.read(TraceProjector.viewName) { try AidQueries.trace($0, donationId: "DN-8", opening: open) })
        #expect(named.donation.donor == Donor(name: "Lalu Muhammad", kind: "individual", publicName: true))
        #expect(named.donation.donor.publicLabel == "Lalu Muhammad" && trace.donation.donor.publicLabel == "Hamba Allah")
        // Neither the log nor the views' files hold the names: only sealed values.
        for view in [DonorsProjector.viewName, TraceProjector.viewName] {
            let dump = try log.read(view) { reader in
                var all: [UInt8] = []
                for db in ["donors", "items", "donations", "lots"] {
                    try? reader.scan(db) { k, v in
                        all += Array(k.utf8) + v
                        return true
                    }
                }
                return all
            }
            #expect(dump.firstRange(of: Array("Baiq".utf8)) == nil && dump.firstRange(of: Array("Lalu".utf8)) == nil)
        }
        // A vault that never held the key (a read replica's) shows the anonymous label, not [dihapus].
        let replica = try Vault(directory: Fx.tempDirectory(), masterKey: SymmetricKey(size: .bits256))
        let onReplica = try log.read(DonorsProjector.viewName) { try AidQueries.donors($0, opening: Donor.nameOpener(replica)) }
        #expect(!onReplica.donors.map(\.name).contains(Donor.erased) && !onReplica.donors.map(\.name).contains("Lalu Muhammad"))
        // Forgotten: the name reads [dihapus] at the next query.
        try vault.forget(try #require(try vault.subject(.donor, "DR-8")))
        let after = try log.read(DonorsProjector.viewName) { try AidQueries.donors($0, opening: open) }.donors.map(\.name)
        #expect(after.contains(Donor.erased) && !after.contains("Lalu Muhammad"))
        let erased = try #require(try log.read(TraceProjector.viewName) { try AidQueries.trace($0, donationId: "DN-8", opening: open) })
        #expect(erased.donation.donor.name == .clear(Donor.erased))
    }

    @Test("aid.donors: donations, items, and how much was distributed")
    func donors() throws {
        let log = try TestLog()
        try log.append(story)
        let report = try log.read(DonorsProjector.viewName) { try AidQueries.donors($0) }
        #expect(report.donors.map(\.name) == ["BNPB", "Hamba Allah", "PMI"])
        let bnpb = report.donors[0]
        #expect(bnpb.kind == "government" && bnpb.donations == 1 && bnpb.donationList == nil)
        #expect(
            bnpb.items == [
                DonorReport.Item(item: "beras", unit: "kg", donated: 100, distributed: 50),
                DonorReport.Item(item: "mi instan", unit: "dus", donated: 20, distributed: 10),
            ])
        #expect(report.donors[2].items == [DonorReport.Item(item: "beras", unit: "kg", donated: 50, distributed: 0)])
        let one = try #require(try log.read(DonorsProjector.viewName) { try AidQueries.donor($0, name: "PMI") })
        #expect(one.donationList?.map(\.donationId) == ["DN-2"])
        #expect(one.firstReceivedAt == Fx.t(6, 9) && one.lastReceivedAt == Fx.t(6, 9))
        #expect(try log.read(DonorsProjector.viewName) { try AidQueries.donor($0, name: "Nobody") } == nil)
    }

    @Test("query results encode as JSON")
    func encodes() throws {
        let log = try TestLog()
        try log.append(story)
        let trace = try #require(try log.read(TraceProjector.viewName) { try AidQueries.trace($0, donationId: "DN-1") })
        let text = String(decoding: try ViewCoding.encode(trace), as: UTF8.self)
        #expect(text.contains(#""kind":"lost-in-transit""#))
        #expect(text.contains(#""holds":true"#))
    }
}

extension TestLog {
    /// Appends `story` and reads the trace view.
    func appendingStory<R>(_ body: (ViewReader) throws -> R) throws -> R {
        try append(story)
        return try read(TraceProjector.viewName, body)
    }
}
