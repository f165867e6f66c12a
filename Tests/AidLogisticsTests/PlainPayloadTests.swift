import Crypto
import DomainKit
import EventLog
import JSON
import PersonalData
import TestSupport
import Testing

@testable import AidLogistics

/// The types `AidEvent.plainlyValid(type:data:)` reads.
private let plainTypes: Set<String> = [
    AidEventType.donationReceived, AidEventType.shipmentDispatched, AidEventType.shipmentReceived, AidEventType.aidDistributed,
]

/// What the strict reader makes of `data` (nil: refused).
private func strict(_ type: String, _ data: JSONValue) -> AidEvent? { try? AidEvent.read(type: type, data: data) }

@Suite("Aid payloads read plainly, as the strict reader reads them")
struct PlainPayloadTests {
    /// The scenario's events of the plainly read types, individual donors' names sealed.
    static func scenarioEvents() throws -> [ProposedEvent] {
        let vault = try Vault(directory: Fx.tempDirectory(), masterKey: SymmetricKey(size: .bits256))
        return AidScenario.scenario(seed: 2018, scale: 0.3, vault: vault).map(\.event).filter { plainTypes.contains($0.type) }
    }

    @Test("every donation, shipment and distribution of the scenario reads plainly, as the strict reader reads it")
    func scenarioReadsAlike() throws {
        let events = try Self.scenarioEvents()
        var byType: [String: Int] = [:]
        var sealed = 0
        for e in events {
            let plain = AidEvent.plainlyValid(type: e.type, data: e.dataValue)
            #expect(plain != nil, "not read plainly: \(e.type) \(String(decoding: e.data, as: UTF8.self))")
            #expect(plain == strict(e.type, e.dataValue))
            byType[e.type, default: 0] += 1
            if case .donationReceived(let d)? = plain, case .sealed = d.donor.name { sealed += 1 }
        }
        #expect(byType.count == plainTypes.count, "\(byType)")
        #expect(sealed > 0, "the scenario seals some donors' names")
    }

    @Test("every refusal of the strict reader's cases is not read plainly either", arguments: payloadCases)
    func refusedCases(_ c: PayloadCase) {
        #expect(strict(c.type, c.data) == nil)
        #expect(AidEvent.plainlyValid(type: c.type, data: c.data) == nil)
    }

    @Test("a payload changed anywhere is read plainly only as the strict reader reads it, and never where it refuses")
    func changedPayloads() throws {
        // Two of each type (the first differ in shape: a donor sealed or not, a reason, notes).
        var picked: [String: [ProposedEvent]] = [:]
        for e in try Self.scenarioEvents() where picked[e.type, default: []].count < 2 { picked[e.type, default: []].append(e) }
        var read = 0
        var refused = 0
        for e in picked.values.joined() {
            for (label, data) in PayloadMutations.changes(of: e.dataValue) {
                let expected = strict(e.type, data)
                if let plain = AidEvent.plainlyValid(type: e.type, data: data) {
                    #expect(plain == expected, "\(e.type) \(label)")
                    read += 1
                }
                if expected == nil { refused += 1 }
            }
        }
        // Both sides of the contract were exercised.
        #expect(read > 100 && refused > 1000, "read \(read), refused \(refused)")
    }

    @Test("a null optional member is left to the strict reader, which reads it as absent")
    func nullLeftToStrict() throws {
        let d = try #require(Self.scenarioEvents().first { $0.type == AidEventType.donationReceived })
        let data = PayloadMutations.replacing(d.dataValue, [.member("incidentId")], with: .null)
        #expect(AidEvent.plainlyValid(type: d.type, data: data) == nil)
        guard case .donationReceived(let read)? = strict(d.type, data) else {
            Issue.record("the strict reader reads a null optional member")
            return
        }
        #expect(read.incidentId == nil)
    }
}
