public import AidLogistics
public import DocumentTracking
import DomainKit
public import EventLog
import Foundation
import JSON
public import PersonalData
import Projections

/// What the privacy officer may do with the personal data of a data directory: find a subject,
/// export everything held about them (opened), forget them, and list who read personal data.
///
/// Events (system events: only the server appends them, `AppendRequest.system`), each in the
/// stream `privacy-<subject>`:
/// - `privacy.subject-forgotten` `{"subject"}`: the subject's key and blind indexes were destroyed.
///   Every data directory opened on the log (a restored backup, a replica) applies it again before
///   it serves (`reapplyForgotten`).
/// - `privacy.data-accessed` `{"subject","actorKeyId","purpose"}`: personal data of the subject was
///   read, opened, through the API.
public struct PrivacyOffice: Sendable {
    public static let forgottenType = "privacy.subject-forgotten"
    public static let accessedType = "privacy.data-accessed"

    let services: LumbungServices
    public init(_ services: LumbungServices) { self.services = services }
    var vault: Vault { services.vault }

    /// Why a privacy request could not be served.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public enum Code: Sendable, Equatable { case unknownSubject, invalid }
        public let code: Code
        public let message: String
        public let field: String
        public var description: String { message }
    }

    /// The subject named by exactly one of `nik`, `subject` (a pseudonym), `donorId` (an
    /// individual donor's id, blind index purpose `donor`) or `kk` (a household's KK number, 16
    /// digits, purpose `kk`). An identifier whose subject was forgotten finds none (`.unknownSubject`,
    /// naming the field); a malformed one, or not exactly one given, is `.invalid`.
    public func subject(nik: String?, subject: String?, donorId: String? = nil, kk: String? = nil) throws -> String {
        switch (nik, subject, donorId, kk) {
        case (let nik?, nil, nil, nil):
            guard Self.isSixteenDigits(nik) else {
                throw Refusal(code: .invalid, message: "nik: a NIK has 16 digits", field: "nik")
            }
            guard let found = try vault.subject(.nik, nik) ?? legacySubject(nik: nik) else {
                throw Refusal(
                    code: .unknownSubject, message: "nik: no subject is held for this NIK (never seen, or forgotten)", field: "nik")
            }
            return found
        case (nil, let subject?, nil, nil):
            guard Vault.isPseudonym(subject) else {
                throw Refusal(code: .invalid, message: "subject: must be a pseudonym (subj- and 24 hex digits)", field: "subject")
            }
            return subject
        case (nil, nil, let donorId?, nil):
            if let problem = Identifier.problem(donorId) {
                throw Refusal(code: .invalid, message: "donorId: \(problem)", field: "donorId")
            }
            guard let found = try vault.subject(.donor, donorId) else {
                throw Refusal(
                    code: .unknownSubject, message: "donorId: no subject is held for this donor id (never seen, or forgotten)",
                    field: "donorId")
            }
            return found
        case (nil, nil, nil, let kk?):
            guard Self.isSixteenDigits(kk) else {
                throw Refusal(code: .invalid, message: "kk: a KK number has 16 digits", field: "kk")
            }
            // KK subjects come with aid's household register (a later issue): none is made yet.
            guard let found = try vault.subject(.kk, kk) else {
                throw Refusal(code: .unknownSubject, message: "kk: no subject is held for this KK", field: "kk")
            }
            return found
        default:
            throw Refusal(code: .invalid, message: "give exactly one of nik, subject, donorId or kk", field: "nik")
        }
    }

    /// Whether `text` is 16 ASCII digits (a NIK, a KK number).
    static func isSixteenDigits(_ text: String) -> Bool {
        text.utf8.count == 16 && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }

    /// Destroys `subject`'s key and blind indexes and appends `privacy.subject-forgotten` for
    /// `actor`. Returns the event's position. A subject the vault never held is refused (404),
    /// unless the log names it; forgetting again appends nothing and returns nil. The vault's
    /// master key is rotated afterwards (`rotateMasterKey`), unless `rotate` is false (a sweep
    /// forgetting many subjects rotates once, at its end).
    public func forget(subject: String, actor: String, rotate: Bool = true) async throws -> UInt64? {
        let known = try vault.hasKey(subject)
        if !known {
            if try vault.isForgotten(subject) || logForgot(subject) { return nil }
            throw Refusal(code: .unknownSubject, message: "subject: \(subject) is not held in this vault", field: "subject")
        }
        // The event first: should the vault fail after it, opening the data directory applies it again.
        let event = try ProposedEvent(
            stream: "privacy-\(subject)", type: Self.forgottenType, value: .object([("subject", .string(subject))]))
        let outcome = try await services.store.append(AppendRequest.system(events: [event], actor: actor))
        try vault.forget(subject)
        if rotate { try rotateMasterKey() }
        return outcome.lastPosition
    }

    /// Rotates the vault's master key of this data directory (see the static form).
    public func rotateMasterKey() throws {
        try Self.rotateMasterKey(store: services.store, vault: vault)
    }

    /// Rotates the vault's master key (`Vault.rotateMasterKey`) and records the new key's
    /// fingerprint in the log's metadata: after an erasure, what LMDB's freed pages still hold of
    /// the forgotten subject's key and blind index is under a master key that no longer exists.
    public static func rotateMasterKey(store: EventStore, vault: Vault) throws {
        let key = try vault.rotateMasterKey()
        try VaultKeyFile.recordRotation(to: key, store: store)
    }

    func logForgot(_ subject: String) throws -> Bool {
        try services.store.readStream("privacy-\(subject)").contains { $0.type == Self.forgottenType }
    }

    /// Appends `privacy.data-accessed` for a read of `subject`'s personal data by `keyId`.
    public func recordAccess(subject: String, keyId: String, actor: String, purpose: String) async throws {
        let event = try ProposedEvent(
            stream: "privacy-\(subject)", type: Self.accessedType,
            value: .object([("subject", .string(subject)), ("actorKeyId", .string(keyId)), ("purpose", .string(purpose))]))
        _ = try await services.store.append(AppendRequest.system(events: [event], actor: actor))
    }

    /// Everything held about `subject`, opened, found in the log itself (not a view): each
    /// application sealed under it with its applicant and, when the views hold it, its public
    /// record; each application from before the vault linked to it (`privacy migrate`: nothing
    /// but its public record, the applicant being only a keyed hash); each donation whose donor is
    /// the subject, the name opened (`[dihapus]` once forgotten).
    public func export(subject: String) throws -> SubjectExport {
        var found: [(receipt: String, applicant: Applicant)] = []
        try services.store.forEachRecord(EventFilter(types: [DocumentEvents.applicationSubmitted])) { view in
            let event = view.decode()
            guard let data = try? event.dataValue(), data["applicant"]?["subject"]?.stringValue == subject,
                case .submitted(let e)? = try? Application.Event.read(type: event.type, data: data)
            else { return true }
            found.append((e.receiptNumber, e.applicant))
            return true
        }
        func record(_ receipt: String) -> PublicApplication? {
            let record = try? services.engine.read { snapshot in
                try DocumentTrackingQueries.application(
                    try snapshot.view(DocumentTrackingDomain.applicationsView), receiptNumber: receipt)
            }
            return record ?? nil
        }
        var applications: [SubjectExport.Application] = []
        for (receipt, sealed) in found {
            guard let applicant = try DocumentTrackingQueries.open(sealed, receiptNumber: receipt, vault: vault) else { continue }
            applications.append(.init(application: record(receipt), applicant: applicant))
        }
        let legacy = try linkedReceipts(subject).map { SubjectExport.LegacyApplication(receiptNumber: $0, application: record($0)) }
        return SubjectExport(
            subject: subject, forgotten: try vault.isForgotten(subject) || !vault.hasKey(subject), applications: applications,
            legacyApplications: legacy, donations: try donations(subject), households: try households(subject))
    }

    /// The households (in the log) registered under `subject` (a KK), the KK number and the head's
    /// name opened (`[dihapus]` once forgotten), with the distributions that served them.
    func households(_ subject: String) throws -> [SubjectExport.Household] {
        var out: [SubjectExport.Household] = []
        try services.store.forEachRecord(EventFilter(types: [AidEventType.householdRegistered])) { view in
            let event = view.decode()
            guard let data = try? event.dataValue(), data["subject"]?.stringValue == subject,
                case .householdRegistered(let h)? = try? AidEvent.read(type: event.type, data: data)
            else { return true }
            let kk = (try? vault.open(h.kk, field: HouseholdRegistered.kkField)) ?? .erased
            let name = (try? vault.open(h.headName, field: HouseholdRegistered.headNameField)) ?? .erased
            out.append(
                SubjectExport.Household(
                    householdId: h.householdId, warehouseId: h.warehouseId, kelurahanCode: h.kelurahanCode, registeredAt: h.registeredAt,
                    kk: kk.text(or: Donor.erased), headName: name.text(or: Donor.erased), members: h.members, vulnerable: h.vulnerable,
                    erased: kk == .erased, served: [], position: event.position))
            return true
        }
        guard !out.isEmpty else { return out }
        let ids = Set(out.map(\.householdId))
        try services.store.forEachRecord(EventFilter(types: [AidEventType.householdServed])) { view in
            let event = view.decode()
            guard let data = try? event.dataValue(), case .householdServed(let s)? = try? AidEvent.read(type: event.type, data: data)
            else { return true }
            for id in s.householdIds where ids.contains(id) {
                for i in out.indices where out[i].householdId == id {
                    out[i].served.append(
                        .init(distributionId: s.distributionId, round: s.round, servedAt: s.servedAt, position: event.position))
                }
            }
            return true
        }
        return out
    }

    /// The receipt numbers `privacy.legacy-subject-linked` events link to `subject`, in log order.
    func linkedReceipts(_ subject: String) throws -> [String] {
        try services.store.readStream("privacy-\(subject)").filter { $0.type == DocumentEvents.legacySubjectLinked }.flatMap { e in
            (try? LegacySubjectLink.read(try e.dataValue()))?.receiptNumbers ?? []
        }
    }

    /// The donations (in the log) whose donor is `subject`, the donor's name opened.
    func donations(_ subject: String) throws -> [SubjectExport.Donation] {
        var out: [SubjectExport.Donation] = []
        try services.store.forEachRecord(EventFilter(types: [AidEventType.donationReceived])) { view in
            let event = view.decode()
            guard let data = try? event.dataValue(), data["donor"]?["subject"]?.stringValue == subject,
                case .donationReceived(let d)? = try? AidEvent.read(type: event.type, data: data), case .sealed(let name) = d.donor.name
            else { return true }
            let opened = (try? vault.open(name, field: Donor.nameField)) ?? .erased
            out.append(
                SubjectExport.Donation(
                    donationId: d.donationId, warehouseId: d.warehouseId, receivedAt: d.receivedAt, donorId: d.donor.id ?? "",
                    kind: d.donor.kind, name: opened.text(or: Donor.erased), publicName: d.donor.publicName == true,
                    erased: opened == .erased, items: d.items, position: event.position))
            return true
        }
        return out
    }

    /// The subject linked (`privacy migrate`) to the applications of `nik` from before the vault,
    /// found through the `legacyNikHash` blind index of its keyed hash under `secret.key`.
    func legacySubject(nik: String) throws -> String? {
        try vault.subject(.legacyNikHash, services.domains.documents.nikHash(nik))
    }

    /// The `privacy.data-accessed` events, oldest first, up to `limit`.
    public func accessLog(limit: Int = 1000) throws -> [AccessEntry] {
        try services.store.readAll(EventFilter(types: [Self.accessedType]), limit: limit).compactMap { e in
            guard let data = try? e.dataValue(), case .string(let subject)? = data["subject"],
                case .string(let keyId)? = data["actorKeyId"], case .string(let purpose)? = data["purpose"]
            else { return nil }
            return AccessEntry(
                position: e.position, recordedAt: e.recordedAt.description, subject: subject, actorKeyId: keyId, purpose: purpose)
        }
    }

    /// Writes again, in `vault`, the blind indexes a crash lost: a subject made since the vault's
    /// last checkpoint has its key in the vault's file (made ahead, durably) but its index only
    /// in the memory of the process that made it. Every `documents.application-submitted` after
    /// `vault.indexedThrough()` names its subject and holds the NIK sealed under the subject's key:
    /// the NIK is opened and its index written (likewise every `aid.donation-received` naming a
    /// donor's subject, by its `donor.id`, and every `privacy.legacy-subject-linked`, by the
    /// `nikHash` of its first application) (when the subject still holds a key and the index is
    /// absent), and the log's head recorded as covered. Run on every open, before anything serves
    /// (and before `reapplyForgotten`). Returns how many indexes it wrote.
    @discardableResult
    public static func recoverIndexes(store: EventStore, vault: Vault) throws -> Int {
        // A vault from before identifiers were kept beside the keys reads the whole log once, so
        // that every subject's identifiers are kept (a rotation makes the indexes from them).
        let complete = try vault.hasAllIdentities()
        let from = complete ? try vault.indexedThrough() : 0
        let head = try store.head().position
        guard head > from else {
            if !complete { try vault.markAllIdentities() }
            return 0
        }
        var links: [(purpose: BlindIndexPurpose, identifier: String, subject: String)] = []
        var filter = EventFilter(types: [DocumentEvents.applicationSubmitted])
        filter.fromPosition = from + 1
        try store.forEachRecord(filter) { view in
            guard view.position <= head, let data = try? view.decode().dataValue(),
                case .string(let subject)? = data["applicant"]?["subject"], let nik = data["applicant"]?["nik"],
                let sealed = try? JSONValueDecoder(root: "applicant.nik").decode(SealedValue.self, from: nik),
                sealed.subject == subject, case .value(let clear)? = try? vault.open(sealed, field: "applicant.nik")
            else { return true }
            links.append((.nik, clear, subject))
            return true
        }
        // Individual donors: the id is in the event in clear, beside the subject.
        var donations = EventFilter(types: [AidEventType.donationReceived])
        donations.fromPosition = from + 1
        try store.forEachRecord(donations) { view in
            guard view.position <= head, let data = try? view.decode().dataValue(),
                case .string(let subject)? = data["donor"]?["subject"], case .string(let id)? = data["donor"]?["id"]
            else { return true }
            links.append((.donor, id, subject))
            return true
        }
        // Households: the KK number is sealed under the subject; opened, it is the identifier.
        var households = EventFilter(types: [AidEventType.householdRegistered])
        households.fromPosition = from + 1
        try store.forEachRecord(households) { view in
            guard view.position <= head, let data = try? view.decode().dataValue(),
                case .householdRegistered(let h)? = try? AidEvent.read(type: AidEventType.householdRegistered, data: data),
                case .value(let kk)? = try? vault.open(h.kk, field: HouseholdRegistered.kkField)
            else { return true }
            links.append((.kk, kk, h.subject))
            return true
        }
        // Applications linked by `privacy migrate`: the nikHash is in the first linked application.
        var legacy: [(subject: String, receipt: String)] = []
        var linked = EventFilter(types: [DocumentEvents.legacySubjectLinked])
        linked.fromPosition = from + 1
        try store.forEachRecord(linked) { view in
            guard view.position <= head, let data = try? view.decode().dataValue(), let link = try? LegacySubjectLink.read(data),
                let receipt = link.receiptNumbers.first
            else { return true }
            legacy.append((link.subject, receipt))
            return true
        }
        for (subject, receipt) in legacy {
            guard let submitted = try store.readStream(DocumentEvents.stream(receiptNumber: receipt), limit: 1).first,
                case .string(let hash)? = try? submitted.dataValue()["applicant"]?["nikHash"]
            else { continue }
            links.append((.legacyNikHash, hash, subject))
        }
        let written = try vault.restoreIndexes(links, through: head)
        if !complete { try vault.markAllIdentities() }
        return written
    }

    /// Destroys, in `vault`, the key of every subject a `privacy.subject-forgotten` event of `store`
    /// names (a restored backup, a replica, a crash between the event and the vault). Returns how
    /// many keys it destroyed.
    @discardableResult
    public static func reapplyForgotten(store: EventStore, vault: Vault) throws -> Int {
        var subjects: [String] = []
        try store.forEachRecord(EventFilter(types: [forgottenType])) { view in
            if let data = try? view.decode().dataValue(), case .string(let s)? = data["subject"] { subjects.append(s) }
            return true
        }
        var destroyed = 0
        for s in subjects where try vault.hasKey(s) || !vault.isForgotten(s) {
            if try vault.forget(s) { destroyed += 1 }
        }
        return destroyed
    }
}

/// Everything held about one subject (`lumbung privacy export`, `POST /v1/privacy/export`).
public struct SubjectExport: Codable, Sendable {
    public var subject: String
    /// Whether the subject was forgotten: their fields read `[dihapus]`.
    public var forgotten: Bool
    /// Applications sealed under the subject.
    public var applications: [Application]
    /// Applications from before the vault linked to the subject (`privacy migrate`): only the
    /// NIK's keyed hash was held, so there is no applicant to open.
    public var legacyApplications: [LegacyApplication]
    /// Donations the subject gave (an individual donor), the name opened.
    public var donations: [Donation]
    /// Households registered under the subject (a KK), the KK number and head's name opened.
    public var households: [Household]

    /// A household of the aid register, as the log holds it with its sealed fields opened.
    public struct Household: Codable, Sendable {
        public var householdId, warehouseId, kelurahanCode, registeredAt: String
        /// The KK number and the head's name, `[dihapus]` once forgotten.
        public var kk, headName: String
        public var members: Int
        public var vulnerable: Vulnerable
        public var erased: Bool
        /// The distributions that served the household, in log order.
        public var served: [Served]
        /// The registration's position in the log.
        public var position: UInt64

        public struct Served: Codable, Sendable {
            public var distributionId, round, servedAt: String
            public var position: UInt64
        }
    }

    public struct Application: Codable, Sendable {
        public var application: PublicApplication?
        public var applicant: ApplicantRecord
    }

    public struct LegacyApplication: Codable, Sendable {
        public var receiptNumber: String
        public var application: PublicApplication?
    }

    /// One donation of an individual donor, as the log holds it with the name opened.
    public struct Donation: Codable, Sendable {
        public var donationId, warehouseId, receivedAt, donorId, kind: String
        /// The donor's name opened, `[dihapus]` once forgotten.
        public var name: String
        public var publicName, erased: Bool
        public var items: [ItemQuantity]
        /// The event's position in the log.
        public var position: UInt64
    }
}

/// One read of personal data (`privacy.data-accessed`).
public struct AccessEntry: Codable, Sendable, Equatable {
    public var position: UInt64
    public var recordedAt: String
    public var subject: String
    public var actorKeyId: String
    public var purpose: String
}
