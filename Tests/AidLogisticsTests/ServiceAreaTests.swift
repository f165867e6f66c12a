import DomainKit
import EventLog
import Regions
import Testing

@testable import AidLogistics

@Suite("The deployment's area: codes checked against it, places named from the national table")
struct ServiceAreaTests {
    func register(_ code: String, area: ServiceArea) throws(EventLogError) {
        var state = AidDecider.State()
        state.area = area
        state.incidents[Fx.incident] = AidDecider.Incident(name: "uji", kind: "gempa-bumi", affectedCodes: ["52"])
        try AidDecider.check(
            .warehouseRegistered(
                WarehouseRegistered(warehouseId: "posko-1", name: "Posko 1", kind: "posko", kelurahanCode: code, incidentId: Fx.incident)),
            state)
    }

    func refusal(_ code: String, area: ServiceArea) -> String? {
        do {
            try register(code, area: area)
            return nil
        } catch {
            #expect(error.code == .ruleViolation && error.field == "data.kelurahanCode")
            return error.message
        }
    }

    @Test func mataramByDefaultAnyAreaOnRequest() throws {
        let ntb = try ServiceArea(code: "52")
        #expect(refusal("52.71.01.1004", area: .mataram) == nil)
        #expect(refusal("52.08.01.2001", area: .mataram)?.contains("outside the area this service covers, Kota Mataram (52.71)") == true)
        #expect(refusal("52.08.01.2001", area: ntb) == nil)
        #expect(refusal("52.71.01.1004", area: ntb) == nil)
        #expect(refusal("51.71.01.1001", area: ntb)?.contains("Serangan (51.71.01.1001) is outside") == true)
        #expect(refusal("52.08.01.2999", area: ntb)?.contains("is not the Kepmendagri code of a desa/kelurahan") == true)
        #expect(refusal("52.08.01", area: ntb)?.contains("desa-kelurahan is needed") == true)
    }

    @Test func placesAreNamedInAndOutsideMataram() {
        #expect(PlaceNames.names("52.71.01.1004") == ("Ampenan Selatan", "Ampenan"))
        #expect(PlaceNames.names("52.08.01.2002") == ("Sokong", "Tanjung"))
        #expect(PlaceNames.names("99.99") == ("", ""))
    }
}
