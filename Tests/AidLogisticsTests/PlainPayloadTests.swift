import Crypto
import DomainKit
import EventLog
import JSON
import PersonalData
import Testing

@testable import AidLogistics

/// The types `AidEvent.plainlyValid(type:data:)` reads.
private let plainTypes: Set<String> = [
    AidEventType.donationReceived, AidEventType.shipmentDispatched, AidEventType.shipmentReceived, AidEventType.aidDistributed,
]

/// What the strict reader makes of `data` (nil: refused).
private func strict(_ type: String, _ data: JSONValue) -> AidEvent? { try? AidEvent.read(type: type, data: data) }

/// `data` with the member at `path` (names, and indexes into arrays) set to `value` (removed when
/// nil); unchanged where the path leads nowhere.
private func replacing(_ data: JSONValue, _ path: ArraySlice<PathStep>, with value: JSONValue?) -> JSONValue {
    guard let step = path.first else { return value ?? data }
    switch (step, data) {
    case (.member(let name), .object(var members)):
        guard let i = members.firstIndex(where: { $0.key == name }) else { return data }
        if path.count == 1, value == nil {
            members.remove(at: i)
        } else {
            members[i].value = replacing(members[i].value, path.dropFirst(), with: value)
        }
        return .object(members)
    case (.index(let i), .array(var elements)) where i < elements.count:
        elements[i] = replacing(elements[i], path.dropFirst(), with: value)
        return .array(elements)
    default:
        return data
    }
}

private enum PathStep: Hashable {
    case member(String)
    case index(Int)
}

/// Every path to a value in `data` (members, and the first element of each array).
private func paths(_ data: JSONValue, _ prefix: [PathStep] = []) -> [[PathStep]] {
    switch data {
    case .object(let members): members.flatMap { [prefix + [.member($0.key)]] + paths($0.value, prefix + [.member($0.key)]) }
    case .array(let elements): elements.first.map { [prefix + [.index(0)]] + paths($0, prefix + [.index(0)]) } ?? []
    default: []
    }
}

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

    /// Values put in place of each member and element of the scenario's payloads: of every JSON
    /// kind, at and past the limits the rules set.
    static let substitutes: [JSONValue?] = [
        nil, .null, .bool(true), .number(0), .number(-3), .number(1.5), .number(9_007_199_254_740_992), .number(7),
        .string(""), .string(" "), .string("beras\u{1}"), .string(String(repeating: "x", count: 101)),
        .string(String(repeating: "x", count: 201)), .string("Budi Santoso"), .string("2018-02-30"), .string("2018-08-06T10:00:00+08:00"),
        .string("telp 081234567890"), .string("DN-2018-000001"), .array([]), .object([]),
        .object([(key: "sealed", value: "v1"), (key: "subject", value: "subj-0"), (key: "ciphertext", value: "x")]),
    ]

    @Test("a payload changed anywhere is read plainly only as the strict reader reads it, and never where it refuses")
    func changedPayloads() throws {
        // Two of each type (the first differ in shape: a donor sealed or not, a reason, notes).
        var picked: [String: [ProposedEvent]] = [:]
        for e in try Self.scenarioEvents() where picked[e.type, default: []].count < 2 { picked[e.type, default: []].append(e) }
        var read = 0
        var refused = 0
        for e in picked.values.joined() {
            for path in paths(e.dataValue) {
                for value in Self.substitutes {
                    let data = replacing(e.dataValue, path[...], with: value)
                    let expected = strict(e.type, data)
                    let plain = AidEvent.plainlyValid(type: e.type, data: data)
                    if let plain {
                        #expect(plain == expected, "\(e.type) \(path) = \(String(describing: value))")
                        read += 1
                    }
                    if expected == nil { refused += 1 }
                }
            }
            // A member the type does not have.
            guard case .object(let members) = e.dataValue else { continue }
            let extra = JSONValue.object(members + [(key: "colour", value: "red")])
            #expect(strict(e.type, extra) == nil)
            #expect(AidEvent.plainlyValid(type: e.type, data: extra) == nil)
        }
        // Both sides of the contract were exercised.
        #expect(read > 100 && refused > 1000, "read \(read), refused \(refused)")
    }

    @Test("a null optional member is left to the strict reader, which reads it as absent")
    func nullLeftToStrict() throws {
        let d = try #require(Self.scenarioEvents().first { $0.type == AidEventType.donationReceived })
        guard case .object(let members) = d.dataValue else { return }
        let data = JSONValue.object(members.filter { $0.key != "incidentId" } + [(key: "incidentId", value: .null)])
        #expect(AidEvent.plainlyValid(type: d.type, data: data) == nil)
        guard case .donationReceived(let read)? = strict(d.type, data) else {
            Issue.record("the strict reader reads a null optional member")
            return
        }
        #expect(read.incidentId == nil)
    }
}
