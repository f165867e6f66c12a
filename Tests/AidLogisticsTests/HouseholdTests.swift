import Crypto
import DomainKit
import EventLog
import Foundation
import JSON
import PersonalData
import Projections
import Testing

@testable import AidLogistics

/// The household register: KK numbers and heads' names sealed under a `kk` subject, a KK
/// registered once, a household served once per round, distributions counted from the register.
/// Every refusal writes nothing.
@Suite("Households")
struct HouseholdTests {
    static let kk1 = "5271060101180001", kk2 = "5271060101180002", kk3 = "5271050101180003"

    /// A log with a vault, `Fx.base` and SH-1 received at posko-b (80 kg beras, 10 dus mi of DN-1).
    static func log() throws -> (TestLog, Vault) {
        let vault = try Vault(directory: Fx.tempDirectory(), masterKey: SymmetricKey(size: .bits256))
        let log = try TestLog(domain: AidLogisticsDomain(vault: vault))
        try log.append(Fx.base + [receivedSH1])
        return (log, vault)
    }

    @discardableResult
    static func run(_ log: TestLog, _ name: String, _ body: String) throws -> Decision {
        let decision = try log.ruleGuard.withCurrentState(log.store) {
            try log.domain.handle(name, body: try Fx.json(body), now: Timestamp("2018-08-07T09:00:00+08:00")!)
        }
        _ = try log.store.appendBlocking(try AppendRequest(events: decision.events, actor: "test"))
        return decision
    }

    static func registerBody(
        _ kk: String, id: String, name: String = "Lalu Ahmad", members: Int = 4, code: String = Fx.selagalas, extra: String = ""
    ) -> String {
        #"{"incidentId":"gempa-uji","householdId":"\#(id)","warehouseId":"posko-b","kelurahanCode":"\#(code)","kk":"\#(kk)","headName":"\#(name)","members":\#(members)\#(extra)}"#
    }

    /// Registers HH-1 (4 members) and HH-2 (3 members, an infant) in Selagalas.
    static func registered() throws -> (TestLog, Vault) {
        let (log, vault) = try Self.log()
        try run(log, "register-household", registerBody(kk1, id: "HH-1"))
        try run(
            log, "register-household",
            registerBody(
                kk2, id: "HH-2", name: "Baiq Sari", members: 3, extra: #","vulnerable":{"infants":1,"elderly":0,"disabled":0,"pregnant":1}"#
            ))
        return (log, vault)
    }

    static func serveBody(_ ids: [String], round: String = "putaran-1", id: String = "DS-1", quantity: Int = 10) -> String {
        let list = ids.map { "\"\($0)\"" }.joined(separator: ",")
        return
            #"{"incidentId":"gempa-uji","distributionId":"\#(id)","warehouseId":"posko-b","round":"\#(round)","householdIds":[\#(list)],"lines":[{"item":"beras","unit":"kg","quantity":\#(quantity)}]}"#
    }

    /// `body` of `name` is refused with `code` naming `field`, and nothing is written.
    static func expectRefused(
        _ log: TestLog, _ name: String, _ body: String, _ code: EventLogError.Code, field: String, mentioning: String? = nil
    ) throws {
        let before = try log.store.stats()
        let error = #expect(throws: EventLogError.self) { try run(log, name, body) }
        #expect(error?.code == code && error?.field == field, "\(error?.code as Any) \(error?.message ?? "")")
        if let mentioning { #expect(error?.message.contains(mentioning) == true, "\(error?.message ?? "")") }
        #expect(try log.store.stats() == before)
    }

    @Test("register-household seals the KK number and the head's name under the subject of the KK's blind index")
    func registerSeals() throws {
        let (log, vault) = try Self.log()
        let d = try Self.run(log, "register-household", Self.registerBody(Self.kk1, id: "HH-1"))
        #expect(d.ids["householdId"] == "HH-1")
        let data = d.events[0].dataValue
        #expect(!data.description.contains(Self.kk1) && !data.description.contains("Lalu Ahmad"))
        let subject = try #require(try vault.subject(.kk, Self.kk1))
        #expect(data["subject"] == .string(subject))
        #expect(data["vulnerable"]?["infants"] == .number(0))
        let h = try #require(try log.read(AidViews.households) { try AidQueries.household($0, id: "HH-1") })
        let opened = h.opened(in: vault)
        #expect(opened.kk == Self.kk1 && opened.headName == "Lalu Ahmad")
        let listed = try log.read(AidViews.households) { try AidQueries.households($0, warehouseId: "posko-b") }
        #expect(listed.map(\.householdId) == ["HH-1"])
        // A made id.
        let made = try Self.run(
            log, "register-household",
            #"{"incidentId":"gempa-uji","warehouseId":"posko-b","kelurahanCode":"\#(Fx.selagalas)","kk":"\#(Self.kk2)","headName":"Sari","members":2}"#
        )
        #expect(made.ids["householdId"]?.hasPrefix("HH-2018-") == true)
        // Forgotten: the register shows [dihapus].
        _ = try vault.forget(subject)
        let erased = h.opened(in: vault)
        #expect(erased.kk == Donor.erased && erased.headName == Donor.erased)
    }

    @Test("a KK registers once: 409 naming the earlier household; nothing written")
    func kkOnce() throws {
        let (log, _) = try Self.registered()
        try Self.expectRefused(
            log, "register-household", Self.registerBody(Self.kk1, id: "HH-9", name: "Lain"), .conflict, field: "kk", mentioning: "HH-1")
        // The same id twice is a rule (422).
        try Self.expectRefused(log, "register-household", Self.registerBody(Self.kk3, id: "HH-1"), .ruleViolation, field: "householdId")
    }

    @Test("bad registrations are refused naming the field; nothing written")
    func badRegistrations() throws {
        let (log, _) = try Self.log()
        try Self.expectRefused(log, "register-household", Self.registerBody("12345", id: "HH-1"), .invalidInput, field: "kk")
        try Self.expectRefused(log, "register-household", Self.registerBody("527106010118000X", id: "HH-1"), .invalidInput, field: "kk")
        try Self.expectRefused(
            log, "register-household", Self.registerBody(Self.kk1, id: "HH-1", code: "52.01.01.2001"), .ruleViolation,
            field: "kelurahanCode")
        try Self.expectRefused(
            log, "register-household", Self.registerBody(Self.kk1, id: "HH-1", code: "52.71.09.9999"), .ruleViolation,
            field: "kelurahanCode")
        try Self.expectRefused(
            log, "register-household", Self.registerBody(Self.kk1, id: "HH-1", members: 0), .invalidInput, field: "members")
        try Self.expectRefused(
            log, "register-household",
            Self.registerBody(
                Self.kk1, id: "HH-1", members: 2, extra: #","vulnerable":{"infants":0,"elderly":3,"disabled":0,"pregnant":0}"#),
            .ruleViolation, field: "vulnerable.elderly")
        try Self.expectRefused(
            log, "register-household",
            Self.registerBody(Self.kk1, id: "HH-1", extra: #","vulnerable":{"infants":-1,"elderly":0,"disabled":0,"pregnant":0}"#),
            .invalidInput, field: "vulnerable.infants")
        try Self.expectRefused(
            log, "register-household", Self.registerBody(Self.kk1, id: "HH-1").replacingOccurrences(of: "posko-b", with: "posko-z"),
            .ruleViolation, field: "warehouseId")
        try Self.expectRefused(
            log, "register-household", Self.registerBody(Self.kk1, id: "HH-1", extra: #","subject":"subj-0123456789abcdef01234567""#),
            .invalidInput, field: "subject")
        try Self.expectRefused(
            log, "register-household", Self.registerBody(Self.kk1, id: "HH-1", name: ""), .invalidInput, field: "headName")
        // Without a vault the KK cannot be sealed: refused.
        let plain = try TestLog()
        try plain.append(Fx.base)
        try Self.expectRefused(plain, "register-household", Self.registerBody(Self.kk1, id: "HH-1"), .invalidInput, field: "kk")
    }

    @Test("a raw household-registered with the KK in clear, or sealed under another subject, is refused; nothing written")
    func rawRegistration() throws {
        let (log, vault) = try Self.log()
        let before = try log.store.stats()
        let clear =
            #"{"incidentId":"gempa-uji","householdId":"HH-1","warehouseId":"posko-b","kelurahanCode":"\#(Fx.selagalas)","subject":"subj-0123456789abcdef01234567","kk":"\#(Self.kk1)","headName":"Lalu","members":2,"vulnerable":{"infants":0,"elderly":0,"disabled":0,"pregnant":0},"registeredAt":"2018-08-07T09:00:00+08:00"}"#
        let error = #expect(throws: EventLogError.self) {
            try log.appendRaw(stream: "household-HH-1", type: AidEventType.householdRegistered, data: try Fx.json(clear))
        }
        #expect(error?.code == .invalidInput && error?.field == "data.kk", "\(error?.message ?? "")")
        // Sealed under another subject.
        let (s1, v1) = try vault.sealCreating(.kk, Self.kk1, [(field: "kk", value: Self.kk1), (field: "headName", value: "Lalu")])
        let (s2, _) = try vault.sealCreating(.kk, Self.kk2, [(field: "kk", value: Self.kk2)])
        #expect(s1 != s2)
        let moved = AidEvent.householdRegistered(
            HouseholdRegistered(
                householdId: "HH-1", warehouseId: "posko-b", kelurahanCode: Fx.selagalas, subject: s2, kk: v1[0], headName: v1[1],
                members: 2,
                vulnerable: .none, registeredAt: Fx.t(7, 9)))
        let e2 = #expect(throws: EventLogError.self) { try log.append([moved]) }
        #expect(e2?.field == "data.kk.subject", "\(e2?.message ?? "")")
        #expect(try log.store.stats() == before)
    }

    @Test("serve-households records the distribution with counts from the register, then its households")
    func serveCounts() throws {
        let (log, _) = try Self.registered()
        let d = try Self.run(log, "serve-households", Self.serveBody(["HH-1", "HH-2"]))
        #expect(d.ids["distributionId"] == "DS-1")
        #expect(d.events.map(\.type) == [AidEventType.aidDistributed, AidEventType.householdServed])
        #expect(d.events.allSatisfy { $0.stream == "distribution-DS-1" })
        let distributed = d.events[0].dataValue
        #expect(distributed["households"] == .number(2) && distributed["people"] == .number(7))
        #expect(distributed["kelurahanCode"] == .string(Fx.selagalas))
        let rounds = try log.read(AidViews.households) { try AidQueries.rounds($0) }
        #expect(
            rounds == [HouseholdReport.Round(round: "putaran-1", kelurahanCode: Fx.selagalas, distributions: 1, households: 2, people: 7)])
        let served = try #require(try log.read(AidViews.households) { try AidQueries.householdDistribution($0, distributionId: "DS-1") })
        #expect(served.distribution.round == "putaran-1" && served.households.map(\.householdId) == ["HH-1", "HH-2"])
        // The aid.kelurahan counts are the register's.
        let k = try log.read(AidViews.kelurahan) { try AidQueries.kelurahan($0, code: Fx.selagalas) }
        #expect(k?.households == 2 && k?.people == 7)
    }

    @Test("a household served twice in one round: 409 naming the earlier distribution; nothing written. Another round is fine")
    func servedOncePerRound() throws {
        let (log, _) = try Self.registered()
        try Self.run(log, "serve-households", Self.serveBody(["HH-1"]))
        try Self.expectRefused(
            log, "serve-households", Self.serveBody(["HH-2", "HH-1"], id: "DS-2"), .conflict, field: "householdIds[1]", mentioning: "DS-1")
        try Self.run(log, "serve-households", Self.serveBody(["HH-2", "HH-1"], round: "putaran-2", id: "DS-2"))
    }

    @Test("bad servings are refused naming the field; nothing written")
    func badServings() throws {
        let (log, _) = try Self.registered()
        try Self.run(log, "register-household", Self.registerBody(Self.kk3, id: "HH-3", code: Fx.rembiga))
        try Self.expectRefused(log, "serve-households", Self.serveBody(["HH-1", "HH-9"]), .ruleViolation, field: "householdIds[1]")
        try Self.expectRefused(log, "serve-households", Self.serveBody(["HH-1", "HH-1"]), .invalidInput, field: "householdIds[1]")
        try Self.expectRefused(log, "serve-households", Self.serveBody([]), .invalidInput, field: "householdIds")
        try Self.expectRefused(log, "serve-households", Self.serveBody(["HH-1", "HH-3"]), .ruleViolation, field: "householdIds[1]")
        try Self.expectRefused(log, "serve-households", Self.serveBody(["HH-1"], quantity: 500), .ruleViolation, field: "lines[0].quantity")
        try Self.expectRefused(log, "serve-households", Self.serveBody(["HH-1"], round: "putaran 1"), .invalidInput, field: "round")
        // Without lines: a distribution already recorded, which must exist.
        try Self.expectRefused(
            log, "serve-households", #"{"distributionId":"DS-7","round":"r1","householdIds":["HH-1"]}"#, .ruleViolation,
            field: "distributionId")
        try Self.expectRefused(
            log, "serve-households", #"{"warehouseId":"posko-b","round":"r1","householdIds":["HH-1"]}"#, .invalidInput, field: "lines")
    }

    @Test("naming the households of a recorded distribution: its counts must be the register's; once per distribution")
    func nameLater() throws {
        let (log, _) = try Self.registered()
        try log.append([Fx.distribute("DS-5", at: "posko-b", [Fx.line("beras", "kg", [("DN-1", 5)])], households: 2, people: 6)])
        try Self.expectRefused(
            log, "serve-households", #"{"distributionId":"DS-5","round":"r1","householdIds":["HH-1","HH-2"]}"#, .ruleViolation,
            field: "householdIds", mentioning: "7")
        try Self.expectRefused(
            log, "serve-households", #"{"distributionId":"DS-5","round":"r1","householdIds":["HH-1"]}"#, .ruleViolation,
            field: "householdIds")
        try log.append([Fx.distribute("DS-6", at: "posko-b", [Fx.line("beras", "kg", [("DN-1", 5)])], households: 2, people: 7)])
        try Self.run(log, "serve-households", #"{"distributionId":"DS-6","round":"r1","householdIds":["HH-1","HH-2"]}"#)
        try Self.expectRefused(
            log, "serve-households", #"{"distributionId":"DS-6","round":"r2","householdIds":["HH-1","HH-2"]}"#, .ruleViolation,
            field: "distributionId")
    }

    @Test("the rules' state, loaded per command, decides as the whole fold")
    func stateMatchesFold() throws {
        let (log, _) = try Self.registered()
        try Self.run(log, "serve-households", Self.serveBody(["HH-1", "HH-2"]))
        var folded = AidDecider.initial
        for e in try log.store.readAll(EventFilter()) {
            if let a = AidEvent.read(e) { folded = AidDecider.evolve(folded, a) }
        }
        let state = try log.ruleGuard.withCurrentState(log.store) { try log.domain.rules.state }
        #expect(state.households == folded.households && state.served == folded.served)
        #expect(state.distributionRecords == folded.distributionRecords && state.householdBySubject == folded.householdBySubject)
        #expect(folded.served[AidDecider.ServedKey(round: "putaran-1", householdId: "HH-2")] == "DS-1")
    }

    @Test("a roster reads by header (English or Indonesian), refusing a record naming its line; decided all or nothing")
    func roster() throws {
        func refusal(_ text: String) -> HouseholdRoster.Refusal? {
            do {
                _ = try HouseholdRoster.parse(text, warehouseId: "posko-b", defaultCode: Fx.selagalas, incidentId: Fx.incident)
                return nil
            } catch { return error }
        }
        let entries = try HouseholdRoster.parse(
            "\u{FEFF}KK,headName,members,infants\r\n\(Self.kk1),\"Ahmad, S.Pd\",4,1\r\n\r\n\(Self.kk2),Sari,3,\r\n", warehouseId: "posko-b",
            defaultCode: Fx.selagalas)
        #expect(entries.map(\.line) == [2, 4])
        #expect(entries[0].command.headName == .clear("Ahmad, S.Pd") && entries[0].command.vulnerable?.infants == 1)
        #expect(entries[1].command.kelurahanCode == Fx.selagalas && entries[1].command.vulnerable?.infants == 0)
        #expect(refusal("nama,anggota\nA,1\n")?.field == "kk")
        #expect(
            refusal("kk,nama,anggota\n\(Self.kk1),A,dua\n")
                == .init(line: 2, field: "members", message: "members: \"dua\" is not a whole number"))
        #expect(refusal("kk,nama,anggota\n\(Self.kk1),A,0\n")?.field == "members")
        #expect(refusal("kk,nama,anggota,bayi\n\(Self.kk1),A,2,-1\n")?.field == "infants")
        #expect(refusal("kk,nama,anggota\n\(Self.kk1),,2\n")?.line == 2)
        #expect(refusal("kk,nama,anggota\n")?.message == "the roster lists no household")

        // Decided on the rules' state: a rule refusing the third record names line 4; the first two are not written.
        let (log, vault) = try Self.log()
        let three = try HouseholdRoster.parse(
            "kk,nama,anggota,desa\n\(Self.kk1),A,2,\(Fx.selagalas)\n\(Self.kk2),B,3,\(Fx.selagalas)\n\(Self.kk3),C,1,52.71.09.9999\n",
            warehouseId: "posko-b", defaultCode: Fx.selagalas, incidentId: Fx.incident)
        let refused = #expect(throws: HouseholdRoster.Refusal.self) {
            _ = try log.ruleGuard.withCurrentState(log.store) {
                try HouseholdRoster.decide(three, domain: log.domain, now: Timestamp("2018-08-07T09:00:00+08:00")!)
            }
        }
        #expect(refused?.line == 4 && refused?.field == "kelurahanCode", "\(String(describing: refused))")
        let two = Array(three.prefix(2))
        let decided = try log.ruleGuard.withCurrentState(log.store) {
            try HouseholdRoster.decide(two, domain: log.domain, now: Timestamp("2018-08-07T09:00:00+08:00")!)
        }
        _ = try log.store.appendBlocking(try AppendRequest(events: decided.events, actor: "test"))
        #expect(decided.ids.count == 2)
        #expect(try vault.subject(.kk, Self.kk2) != nil)
        #expect(try log.read(AidViews.households) { try AidQueries.households($0) }.count == 2)
    }
}
