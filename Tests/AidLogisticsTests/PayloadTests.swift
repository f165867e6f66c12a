import DomainKit
import EventLog
import JSON
import Testing

@testable import AidLogistics

/// A payload the strict reader must refuse, and the field it must name.
struct PayloadCase: CustomStringConvertible, Sendable {
    let name: String
    let type: String
    let stream: String
    let data: JSONValue
    let field: String
    /// Words the message must hold.
    let words: String
    var description: String { name }
}

/// The data of `event` with `change` made to its JSON object.
func edited(_ event: AidEvent, _ change: (inout [String: JSONValue]) -> Void) -> JSONValue {
    guard case .object(let members) = event.json else { return event.json }
    var fields = Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value) })
    change(&fields)
    return .object(fields.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) })
}

let donation = Fx.donate("DN-9", at: "gudang-a", [("beras", "kg", 5)])
let registration = Fx.register("gudang-9")
let receipt = Fx.receive("SH-1", [("beras", "kg", "DN-1", 80)])
let adjustment = Fx.adjust("gudang-a", "beras", "kg", lot: "DN-1", -1)

let payloadCases: [PayloadCase] = [
    PayloadCase(
        name: "an unknown field", type: donation.type, stream: donation.stream,
        data: edited(donation) { $0["colour"] = "red" }, field: "data.colour", words: "is not a field of this payload"),
    PayloadCase(
        name: "an unknown field of a part", type: donation.type, stream: donation.stream,
        data: edited(donation) { $0["donor"] = ["name": "BNPB", "kind": "government", "phone": "0370"] },
        field: "data.donor.phone", words: "is not a field of this payload"),
    PayloadCase(
        name: "a control character", type: donation.type, stream: donation.stream,
        data: edited(donation) { $0["items"] = [["item": "beras\u{7}", "unit": "kg", "quantity": 5]] },
        field: "data.items[0].item", words: "control characters"),
    PayloadCase(
        name: "a line feed in a name", type: registration.type, stream: registration.stream,
        data: edited(registration) { $0["name"] = "Gudang\nBPBD" }, field: "data.name", words: "control characters"),
    PayloadCase(
        name: "too long in bytes, though not in characters (51 x é = 102 bytes)", type: donation.type, stream: donation.stream,
        data: edited(donation) { $0["items"] = [["item": .string(String(repeating: "é", count: 51)), "unit": "kg", "quantity": 5]] },
        field: "data.items[0].item", words: "is 102 bytes, longer than the 100 allowed"),
    PayloadCase(
        name: "a unit too long in bytes (16 x é = 32 bytes)", type: adjustment.type, stream: adjustment.stream,
        data: edited(adjustment) { $0["unit"] = .string(String(repeating: "é", count: 16)) },
        field: "data.unit", words: "is 32 bytes, longer than the 30 allowed"),
    PayloadCase(
        name: "a missing required field", type: donation.type, stream: donation.stream,
        data: edited(donation) { $0["receivedAt"] = nil }, field: "data.receivedAt", words: "is required (an RFC 3339 time"),
    PayloadCase(
        name: "a required field given as null", type: receipt.type, stream: receipt.stream,
        data: edited(receipt) { $0["lines"] = .null }, field: "data.lines",
        words: "is required (an array of {item, unit, donationId, quantity}"),
    PayloadCase(
        name: "a missing field of a part", type: donation.type, stream: donation.stream,
        data: edited(donation) { $0["donor"] = ["name": "BNPB"] }, field: "data.donor.kind", words: "is required"),
    PayloadCase(
        name: "a donor's name too long is refused as text", type: donation.type, stream: donation.stream,
        data: edited(donation) { $0["donor"] = ["name": .string(String(repeating: "a", count: 201)), "kind": "ngo"] },
        field: "data.donor.name", words: "longer than the 200 allowed"),
    PayloadCase(
        name: "a donor's sealed name must be a sealed value", type: donation.type, stream: donation.stream,
        data: edited(donation) { $0["donor"] = ["name": ["sealed": "v2"], "kind": "individual"] },
        field: "data.donor.name.sealed", words: "must be \"v1\""),
    PayloadCase(
        name: "a kind outside the list", type: registration.type, stream: registration.stream,
        data: edited(registration) { $0["kind"] = "depot" }, field: "data.kind", words: "must be one of gudang, posko"),
    PayloadCase(
        name: "a longer kind outside the list", type: registration.type, stream: registration.stream,
        data: edited(registration) { $0["kind"] = "lumbung padi" }, field: "data.kind", words: "must be one of gudang, posko"),
    PayloadCase(
        name: "an adjustment of 0", type: adjustment.type, stream: adjustment.stream,
        data: edited(adjustment) { $0["quantity"] = 0 }, field: "data.quantity", words: "must be an integer other than 0"),
    PayloadCase(
        name: "a quantity beyond 2^53", type: donation.type, stream: donation.stream,
        data: edited(donation) { $0["items"] = [["item": "beras", "unit": "kg", "quantity": 9_007_199_254_740_993]] },
        field: "data.items[0].quantity", words: "must be a positive integer"),
]

@Suite("The strict reader on the aid payloads")
struct PayloadTests {
    @Test("refused by the reader, naming the field's path", arguments: payloadCases)
    func readRefuses(_ c: PayloadCase) throws {
        let error = #expect(throws: EventLogError.self) { try AidEvent.read(type: c.type, data: c.data) }
        #expect(error?.code == .invalidInput)
        #expect(error?.field == c.field, "\(error?.message ?? "")")
        #expect(error?.message.hasPrefix("\(c.field): ") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(c.words) == true, "\(error?.message ?? "")")
    }

    @Test("refused by a raw append to a guarded store; nothing written", arguments: payloadCases)
    func rawAppendRefuses(_ c: PayloadCase) throws {
        let log = try TestLog()
        try log.append(Fx.base)
        let before = try log.store.stats()
        let error = #expect(throws: EventLogError.self) { try log.appendRaw(stream: c.stream, type: c.type, data: c.data) }
        #expect(error?.field == c.field, "\(error?.message ?? "")")
        #expect(try log.store.stats() == before)
    }

    @Test("the same limits in bytes pass at the limit")
    func atTheLimit() throws {
        let data = edited(donation) { $0["items"] = [["item": .string(String(repeating: "é", count: 50)), "unit": "kg", "quantity": 5]] }
        guard case .donationReceived(let d) = try AidEvent.read(type: donation.type, data: data) else {
            Issue.record("not a donation")
            return
        }
        #expect(d.items[0].item.utf8.count == 100)
    }

    @Test(
        "command bodies are read by the same reader, paths relative to the body",
        arguments: [
            (
                "receive-donation",
                #"{"warehouseId":"gudang-a","donor":{"name":"BAZNAS","kind":"ngo"},"items":[{"item":"beras","unit":"kg","quantity":1,"colour":"red"}]}"#,
                "items[0].colour", "is not a field of this payload"
            ),
            (
                "dispatch-shipment",
                #"{"fromWarehouseId":"gudang-a","toWarehouseId":"posko-b","lines":[{"item":"beras","unit":"kg","quantity":5}],"vehicle":"Truk","driver":"Sah\u0000nan"}"#,
                "driver", "control characters"
            ),
            (
                "register-warehouse", #"{"name":"Gudang","kind":"gudang","kelurahanCode":"ééééééééééé"}"#, "kelurahanCode",
                "is 22 bytes, longer than the 20 allowed"
            ),
            (
                "distribute-aid", #"{"warehouseId":"posko-b","kelurahanCode":"52.71.06.1004","households":2,"people":7}"#, "lines",
                "is required (an array of {item, unit, quantity, lots?})"
            ),
            (
                "register-warehouse", #"{"name":"Gudang","kind":"lumbung","kelurahanCode":"52.71.05.1005"}"#, "kind",
                "must be one of gudang, posko"
            ),
            (
                "receive-shipment", #"{"shipmentId":"SH-1","notes":"x","lines":[{"item":"beras","unit":"kg","donationId":"DN-1"}]}"#,
                "lines[0].quantity", "is required (a positive integer)"
            ),
        ])
    func commandRefuses(_ name: String, _ body: String, _ field: String, _ words: String) throws {
        let error = #expect(throws: EventLogError.self) { try AidLogisticsCommand.parse(name, body: try Fx.json(body)) }
        #expect(error?.code == .invalidInput)
        #expect(error?.field == field, "\(error?.message ?? "")")
        #expect(error?.message == "\(field): \(error?.message.dropFirst(field.count + 2) ?? "")")
        #expect(error?.message.contains(words) == true, "\(error?.message ?? "")")
    }

    @Test("a refused command body writes nothing")
    func commandWritesNothing() throws {
        let log = try TestLog()
        try log.append(Fx.base)
        let before = try log.store.stats()
        #expect(throws: EventLogError.self) {
            try log.ruleGuard.withCurrentState(log.store) {
                try log.domain.handle(
                    "register-warehouse", body: try Fx.json(#"{"name":"Gudang","kind":"depot","kelurahanCode":"52.71.05.1005"}"#),
                    now: .now())
            }
        }
        #expect(try log.store.stats() == before)
    }

    @Test("payloads are written as before: every field, notes even when empty, no nulls")
    func written() throws {
        #expect(
            receipt.json.description
                == #"{"incidentId":"gempa-uji","lines":[{"donationId":"DN-1","item":"beras","quantity":80,"unit":"kg"}],"notes":"","receivedAt":"2018-08-06T12:00:00+08:00","shipmentId":"SH-1"}"#
        )
        #expect(
            donation.json.description
                == #"{"donationId":"DN-9","donor":{"kind":"government","name":"BNPB"},"incidentId":"gempa-uji","items":[{"item":"beras","quantity":5,"unit":"kg"}],"receivedAt":"2018-08-06T08:00:00+08:00","warehouseId":"gudang-a"}"#
        )
        #expect(
            adjustment.json.description
                == #"{"donationId":"DN-1","incidentId":"gempa-uji","item":"beras","quantity":-1,"reason":"stock opname","unit":"kg","warehouseId":"gudang-a"}"#
        )
        // Notes left out read as "".
        let data = edited(receipt) { $0["notes"] = nil }
        guard case .shipmentReceived(let r) = try AidEvent.read(type: receipt.type, data: data) else {
            Issue.record("not a receipt")
            return
        }
        #expect(r.notes == "")
        // Every payload reads back what it writes.
        for e in Fx.base + [receipt, adjustment, Fx.distribute("DS-1", at: "posko-b", [Fx.line("beras", "kg", [("DN-1", 10)])])] {
            #expect(try AidEvent.read(type: e.type, data: e.json) == e)
        }
    }
}
