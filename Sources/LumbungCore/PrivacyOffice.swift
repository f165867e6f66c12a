public import DocumentTracking
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

    /// The subject named by exactly one of `nik` or `subject` (a pseudonym). A NIK whose subject
    /// was forgotten finds none.
    public func subject(nik: String?, subject: String?) throws -> String {
        switch (nik, subject) {
        case (let nik?, nil):
            guard nik.utf8.count == 16, nik.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw Refusal(code: .invalid, message: "nik: a NIK has 16 digits", field: "nik")
            }
            guard let found = try vault.subject(.nik, nik) else {
                throw Refusal(
                    code: .unknownSubject, message: "nik: no subject is held for this NIK (never seen, or forgotten)", field: "nik")
            }
            return found
        case (nil, let subject?):
            guard Vault.isPseudonym(subject) else {
                throw Refusal(code: .invalid, message: "subject: must be a pseudonym (subj- and 24 hex digits)", field: "subject")
            }
            return subject
        default:
            throw Refusal(code: .invalid, message: "give exactly one of nik or subject", field: "nik")
        }
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

    /// Everything held about `subject`, opened: each application (found in the log itself, not a
    /// view) with its applicant and, when the views hold it, its public record.
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
        var applications: [SubjectExport.Application] = []
        for (receipt, sealed) in found {
            guard let applicant = try DocumentTrackingQueries.open(sealed, receiptNumber: receipt, vault: vault) else { continue }
            let record = try? services.engine.read { snapshot in
                try DocumentTrackingQueries.application(
                    try snapshot.view(DocumentTrackingDomain.applicationsView), receiptNumber: receipt)
            }
            applications.append(.init(application: record ?? nil, applicant: applicant))
        }
        return SubjectExport(
            subject: subject, forgotten: try vault.isForgotten(subject) || !vault.hasKey(subject), applications: applications)
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
    /// the NIK is opened and its index written (when the subject still holds a key and the index is
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

/// Everything held about one subject (`lumbung privacy export`, `GET /v1/privacy/subjects/{subject}`).
public struct SubjectExport: Codable, Sendable {
    public var subject: String
    /// Whether the subject was forgotten: their fields read `[dihapus]`.
    public var forgotten: Bool
    public var applications: [Application]

    public struct Application: Codable, Sendable {
        public var application: PublicApplication?
        public var applicant: ApplicantRecord
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
