import Foundation
import Projections
import Testing

@testable import AidLogistics

/// A step of a donation's trace and a distribution of `aid.households`, written without `Codable`
/// (`ViewJSONWritable`), store the bytes `JSONEncoder` writes for them, with every optional member
/// present and with none.
@Suite struct TraceStepJSONTests {
    @Test func stepsWriteWhatJSONEncoderWrites() throws {
        var step = DonationTrace.Step(
            position: 9_007_199_254_740_993, eventId: "cbd55b17-1997-4566-b191-72fecb63520d", type: "aid.aid-distributed",
            occurredAt: "2018-07-29T07:20:00.000Z", kind: .lostInTransit, item: "mi instan \"goreng\"", unit: "dus", quantity: -9,
            warehouseId: "posko-52.71.05.1005", warehouseName: "Posko Ampenan / é", toWarehouseId: "gudang-1", toWarehouseName: "Gudang 1",
            shipmentId: "SH-1", distributionId: "DS-2018-000001", kelurahanCode: "52.71.05.1005", kelurahanName: "Ampenan Tengah",
            households: 18, people: 64, vehicle: "DR 1234 AB", driver: "sopir-01", reason: "rusak\u{1F}", notes: "")
        for round in 0..<2 {
            let expected = [UInt8](try ViewCoding.encoder.encode(step))
            #expect(step.viewJSON == expected, "round \(round): \(String(decoding: step.viewJSON, as: UTF8.self))")
            (step.toWarehouseId, step.toWarehouseName, step.shipmentId, step.distributionId) = (nil, nil, nil, nil)
            (step.kelurahanCode, step.kelurahanName, step.households, step.people) = (nil, nil, nil, nil)
            (step.vehicle, step.driver, step.reason, step.notes) = (nil, nil, nil, nil)
            step.kind = .donated
        }
    }

    @Test func distributionsWriteWhatJSONEncoderWrites() throws {
        var d = HouseholdReport.Distribution(
            distributionId: "DS-2018-000001", warehouseId: "posko-52.71.05.1005", kelurahanCode: "52.71.05.1005",
            lines: [
                LotLine(
                    item: "mi \"instan\"", unit: "dus", quantity: 12,
                    lots: [LotQuantity(donationId: "DN-1", quantity: 9), LotQuantity(donationId: "DN-2", quantity: 3)],
                    reason: "lot DN-0 rusak\u{1}"),
                LotLine(item: "beras", unit: "kg", quantity: 5, lots: [LotQuantity(donationId: "DN-3", quantity: 5)]),
            ],
            households: 2, people: 7, distributedAt: "2018-07-29T15:20:00+08:00", position: 9_007_199_254_740_993, round: "R-1",
            householdIds: ["HH-1", "HH-2 / é"], servedPosition: 42)
        for round in 0..<2 {
            let expected = [UInt8](try ViewCoding.encoder.encode(d))
            #expect(d.viewJSON == expected, "round \(round): \(String(decoding: d.viewJSON, as: UTF8.self))")
            (d.round, d.householdIds, d.servedPosition, d.lines) = (nil, nil, nil, [])
        }
    }
}
