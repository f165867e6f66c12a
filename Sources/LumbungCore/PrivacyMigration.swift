import DocumentTracking
import DomainKit
public import EventLog
import Foundation
import JSON
import PersonalData

extension PrivacyOffice {
    /// What `migrate` did (`lumbung privacy migrate` prints it as JSON).
    public struct MigrationReport: Codable, Sendable, Equatable {
        /// Applications in the log with `applicant.nikHash` only (written before the vault).
        public var legacyApplications = 0
        /// Distinct `nikHash`es among them (one person each).
        public var people = 0
        /// Subjects made (or found in the vault) and linked by this run.
        public var subjectsLinked = 0
        /// Applications linked by this run (`privacy.legacy-subject-linked` events appended).
        public var applicationsLinked = 0
        /// Applications a previous run had linked already.
        public var alreadyLinked = 0
        /// People whose linked subject was forgotten since: left as they are.
        public var forgotten = 0
        /// Blind indexes written again for links whose index a crash lost.
        public var indexesRestored = 0
        /// The log position of the last event appended (nil: nothing appended).
        public var position: UInt64?
    }

    /// Links the applications written before the vault (`applicant.nikHash` only, the NIK's
    /// HMAC under `secret.key`) to vault subjects, so that a NIK finds them again (officers'
    /// search, `privacy export`/`forget --nik`: the NIK's keyed hash is looked up under the
    /// blind-index purpose `legacyNikHash`).
    ///
    /// For each distinct `nikHash` of `documents.application-submitted` without a subject, in log
    /// order: the subject already linked to one of its applications (by an earlier run), else the
    /// subject of a sealed application of the same NIK (its NIK opened and hashed under
    /// `secret.key`), else the one its `legacyNikHash` blind index finds, else a new one
    /// (`Vault.subjectCreating`);
    /// its applications not linked yet are linked by the system event
    /// `privacy.legacy-subject-linked` `{"subject","receiptNumbers"}` (stream `privacy-<subject>`;
    /// never the `nikHash`), which `documents.applications` folds into its `subjects` database.
    /// A link whose blind index is missing (a crash before the vault's checkpoint) gets it again; a
    /// person whose subject was forgotten since is left alone. Idempotent: a second run appends
    /// nothing. The vault is checkpointed at the end (the new indexes durable). `progress` is
    /// called with (done, total) people.
    public func migrate(actor: String, progress: ((Int, Int) -> Void)? = nil) async throws -> MigrationReport {
        var report = MigrationReport()
        // Receipts linked by earlier runs.
        var linked: [String: String] = [:]
        try services.store.forEachRecord(EventFilter(types: [DocumentEvents.legacySubjectLinked])) { view in
            if let data = try? view.decode().dataValue(), let link = try? LegacySubjectLink.read(data) {
                for r in link.receiptNumbers { linked[r] = link.subject }
            }
            return true
        }
        // Legacy applications by nikHash, in log order; and the subjects of sealed applications
        // by the keyed hash of their NIK (opened), so that a person who applied since keeps one subject.
        var order: [String] = []
        var receipts: [String: [String]] = [:]
        var sealedSubjects: [String: String] = [:]
        let documents = services.domains.documents
        try services.store.forEachRecord(EventFilter(types: [DocumentEvents.applicationSubmitted])) { view in
            guard let data = try? view.decode().dataValue(), let applicant = data["applicant"] else { return true }
            if case .string(let subject)? = applicant["subject"] {
                if let nik = applicant["nik"],
                    let sealed = try? JSONValueDecoder(root: "applicant.nik").decode(SealedValue.self, from: nik),
                    case .value(let clear)? = try? vault.open(sealed, field: "applicant.nik")
                {
                    sealedSubjects[documents.nikHash(clear)] = subject
                }
                return true
            }
            guard case .string(let hash)? = applicant["nikHash"], case .string(let receipt)? = data["receiptNumber"] else { return true }
            if receipts[hash] == nil { order.append(hash) }
            receipts[hash, default: []].append(receipt)
            report.legacyApplications += 1
            return true
        }
        report.people = order.count
        var events: [ProposedEvent] = []
        var restore: [(purpose: BlindIndexPurpose, identifier: String, subject: String)] = []
        func flush() async throws {
            guard !events.isEmpty else { return }
            let outcome = try await services.store.append(AppendRequest.system(events: events, actor: actor))
            report.position = outcome.lastPosition
            events = []
        }
        for (i, hash) in order.enumerated() {
            let all = receipts[hash] ?? []
            let earlier = all.compactMap { linked[$0] }.first
            let subject: String
            if let earlier {
                guard try vault.hasKey(earlier) else {
                    report.forgotten += 1
                    continue
                }
                subject = earlier
                if try vault.subject(.legacyNikHash, hash) == nil { restore.append((.legacyNikHash, hash, earlier)) }
            } else if let sealed = sealedSubjects[hash], try vault.hasKey(sealed) {
                // The person applied since, sealed: their old applications join that subject.
                subject = sealed
                if try vault.subject(.legacyNikHash, hash) == nil { restore.append((.legacyNikHash, hash, sealed)) }
            } else {
                subject = try vault.subjectCreating(.legacyNikHash, hash)
            }
            let unlinked = all.filter { linked[$0] == nil }
            report.alreadyLinked += all.count - unlinked.count
            if !unlinked.isEmpty {
                events.append(try LegacySubjectLink(subject: subject, receiptNumbers: unlinked).proposed())
                report.subjectsLinked += 1
                report.applicationsLinked += unlinked.count
                if events.count >= 256 { try await flush() }
            }
            progress?(i + 1, order.count)
        }
        try await flush()
        if !restore.isEmpty { report.indexesRestored = try vault.restoreIndexes(restore, through: try vault.indexedThrough()) }
        try vault.checkpoint()
        return report
    }
}
