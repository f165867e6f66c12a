import Crypto
import DomainKit
import EventLog
import Foundation
import JSON
import PersonalData
import Projections
import Testing

@testable import AidLogistics

/// Individual donors' names are personal data: sealed under a donor subject, never in the log in
/// clear, on every door (docs/privacy.md).
@Suite("Individual donors' names sealed")
struct DonorSealingTests {
    static func vault() throws -> Vault { try Vault(directory: Fx.tempDirectory(), masterKey: SymmetricKey(size: .bits256)) }

    static let clearIndividual =
        #"{"donationId":"DN-5","warehouseId":"gudang-a","donor":{"name":"Baiq Nurul Aini","kind":"individual"},"items":[{"item":"beras","unit":"kg","quantity":5}],"receivedAt":"2018-08-07T10:00:00+08:00","incidentId":"gempa-uji"}"#

    @Test("a raw append of an individual's name in clear is refused naming data.donor.name; nothing written")
    func clearNameRefused() throws {
        let log = try TestLog()
        try log.append(Fx.base)
        let before = try log.store.stats()
        let error = #expect(throws: EventLogError.self) {
            try log.appendRaw(stream: "donation-DN-5", type: AidEventType.donationReceived, data: try Fx.json(Self.clearIndividual))
        }
        #expect(error?.code == .invalidInput && error?.field == "data.donor.name", "\(error?.message ?? "")")
        #expect(error?.message.contains("never be stored in clear") == true)
        #expect(try log.store.stats() == before)
        // The anonymous label itself is not personal data; an organisation's name stays in clear.
        try log.appendRaw(
            stream: "donation-DN-6", type: AidEventType.donationReceived,
            data: try Fx.json(
                Self.clearIndividual.replacingOccurrences(of: "Baiq Nurul Aini", with: "Hamba Allah").replacingOccurrences(
                    of: "DN-5", with: "DN-6")))
        try log.appendRaw(
            stream: "donation-DN-7", type: AidEventType.donationReceived,
            data: try Fx.json(
                Self.clearIndividual.replacingOccurrences(of: "individual", with: "company").replacingOccurrences(of: "DN-5", with: "DN-7"))
        )
    }

    @Test("a sealed name needs its subject and id, and the subject's own seal")
    func sealedNameChecked() throws {
        let vault = try Self.vault()
        let donor = try Donor(name: "Lalu Muhammad", kind: "individual", id: "DR-1").sealed(in: vault)
        let other = try Donor(name: "Lalu Muhammad", kind: "individual", id: "DR-2").sealed(in: vault)
        var noSubject = donor
        noSubject.subject = nil
        var noId = donor
        noId.id = nil
        var moved = donor
        moved.name = other.name
        var organisation = donor
        organisation.kind = "company"
        for (d, field) in [
            (noSubject, "data.donor.subject"), (noId, "data.donor.id"), (moved, "data.donor.name.subject"),
            (organisation, "data.donor.name"),
        ] {
            let log = try TestLog()
            try log.append(Fx.base)
            let before = try log.store.stats()
            let event = AidEvent.donationReceived(
                DonationReceived(
                    donationId: "DN-5", warehouseId: "gudang-a", donor: d, items: [ItemQuantity(item: "beras", unit: "kg", quantity: 1)],
                    receivedAt: Fx.t(7, 10), incidentId: Fx.incident))
            let error = #expect(throws: EventLogError.self) { try log.append([event]) }
            #expect(error?.field == field, "\(error?.message ?? "")")
            #expect(try log.store.stats() == before)
        }
    }

    @Test("receive-donation seals an individual's name under the subject of their donor id; refused without a vault")
    func commandSeals() throws {
        // Without a vault: refused naming donor.name, nothing written.
        let plain = try TestLog()
        try plain.append(Fx.base)
        let before = try plain.store.stats()
        let body = try Fx.json(
            #"{"warehouseId":"gudang-a","donor":{"name":"Baiq Nurul Aini","kind":"individual"},"items":[{"item":"beras","unit":"kg","quantity":5}],"incidentId":"gempa-uji"}"#
        )
        let error = #expect(throws: EventLogError.self) {
            try plain.ruleGuard.withCurrentState(plain.store) { try plain.domain.handle("receive-donation", body: body, now: .now()) }
        }
        #expect(error?.field == "donor.name", "\(error?.message ?? "")")
        #expect(try plain.store.stats() == before)

        // With a vault: the name sealed, a donor id made and answered; the same id, the same subject.
        let vault = try Self.vault()
        let log = try TestLog(domain: AidLogisticsDomain(vault: vault))
        try log.append(Fx.base)
        let first = try log.ruleGuard.withCurrentState(log.store) { try log.domain.handle("receive-donation", body: body, now: .now()) }
        _ = try log.store.appendBlocking(try AppendRequest(events: first.events, actor: "test"))
        let donorId = try #require(first.ids["donorId"])
        #expect(donorId.hasPrefix("DR-"))
        let data = first.events[0].dataValue
        #expect(!data.description.contains("Baiq"))
        let subject = try #require(try vault.subject(.donor, donorId))
        #expect(data["donor"]?["subject"] == .string(subject) && data["donor"]?["id"] == .string(donorId))
        let again = try Fx.json(
            #"{"warehouseId":"gudang-a","donor":{"name":"Baiq Nurul Aini","kind":"individual","id":"\#(donorId)","publicName":true},"items":[{"item":"beras","unit":"kg","quantity":2}],"incidentId":"gempa-uji"}"#
        )
        let second = try log.ruleGuard.withCurrentState(log.store) { try log.domain.handle("receive-donation", body: again, now: .now()) }
        _ = try log.store.appendBlocking(try AppendRequest(events: second.events, actor: "test"))
        #expect(second.events[0].dataValue["donor"]?["subject"] == .string(subject))
        let names = try log.read(DonorsProjector.viewName) { try AidQueries.donors($0, opening: Donor.nameOpener(vault)) }.donors.map(
            \.name)
        #expect(names.contains("Baiq Nurul Aini") && names.contains("Hamba Allah"))
    }

    @Test("the scenario with a vault seals its individual donors, and every event passes the rules")
    func scenarioWithVault() throws {
        let vault = try Self.vault()
        let events = AidScenario.scenario(seed: 2018, scale: 0.05, vault: vault)
        let individual = events.compactMap { e -> Donor? in
            guard e.event.type == AidEventType.donationReceived, case let data = e.event.dataValue,
                case .donationReceived(let d) = try? AidEvent.read(type: e.event.type, data: data), d.donor.isIndividual
            else { return nil }
            return d.donor
        }
        #expect(!individual.isEmpty)
        #expect(individual.allSatisfy { if case .sealed = $0.name { $0.subject != nil && $0.id != nil } else { false } })
        let log = try TestLog()
        for request in try AidScenario.appendRequests(events.map(\.event), actor: "test") { _ = try log.store.appendBlocking(request) }
        let names = try log.read(DonorsProjector.viewName) { try AidQueries.donors($0) }.donors.map(\.name)
        #expect(names.contains("Hamba Allah"))
    }
}
