import DomainKit
import EventLog
import Projections

/// The rules of document tracking, run by `RuleGuard` before anything is written: the same checks
/// for commands, raw appends (`lumbung append`, `POST /v1/streams/...`) and imports.
///
/// `admit` refuses an unknown `documents.` type (`.invalidInput`, field `type`), a payload that
/// does not fit its schema (`.invalidInput`, naming the field: unknown fields, a clear `nik`,
/// hashes that are not 64 hex digits, unknown office, document type or status, bad times), a stream
/// that is not `application-<data.receiptNumber>` (`.invalidInput`, field `stream`), and whatever
/// `Application.decide` refuses (`.ruleViolation`). It changes nothing when it throws.
///
/// The decision state is one small `Application.State` per receipt number. Changes are recorded
/// in the journal the guard passes, so a trial or an uncommitted transaction is undone exactly.
/// Only `RuleGuard` (under its lock) and command deciders (inside `RuleGuard.withCurrentState`)
/// touch it.
public final class DocumentTrackingRules: DomainRules, @unchecked Sendable {
    private var applications: [String: Application.State] = [:]

    public init() {}

    public func owns(_ type: String) -> Bool { type.hasPrefix(DocumentEvents.domainPrefix) }

    /// The state of the application with this receipt number (`.initial` when there is none).
    public func state(of receiptNumber: String) -> Application.State {
        applications[receiptNumber] ?? .initial
    }

    /// How many applications the rules know.
    public var applicationCount: Int { applications.count }

    public func admit(_ event: DomainEvent, journal: Journal) throws {
        let typed = try Self.read(event)
        let state = state(of: typed.receiptNumber)
        let command: Application.Command
        switch typed {
        case .submitted(let e):
            command = .submit(e)
        case .statusChanged(let e):
            command = .changeStatus(
                receiptNumber: e.receiptNumber, from: e.from, to: e.to, reason: e.reason, officer: e.officer,
                changedAt: e.changedAt)
        }
        let decided = try Application.decide(command, state)
        var next = state
        for e in decided { next = Application.evolve(next, e) }
        set(typed.receiptNumber, next, journal: journal)
    }

    public func evolve(_ event: DomainEvent, journal: Journal) {
        guard let typed = try? Self.read(event) else { return }
        set(typed.receiptNumber, Application.evolve(state(of: typed.receiptNumber), typed), journal: journal)
    }

    private func set(_ key: String, _ value: Application.State, journal: Journal) {
        let old = applications[key]
        applications[key] = value
        journal.record { [weak self] in self?.applications[key] = old }
    }

    /// Reads a `documents.` event into its typed form, checking its type, schema and stream.
    static func read(_ event: DomainEvent) throws(EventLogError) -> Application.Event {
        let typed: Application.Event
        switch event.type {
        case DocumentEvents.applicationSubmitted:
            typed = .submitted(try ApplicationSubmitted(json: event.data))
        case DocumentEvents.statusChanged:
            typed = .statusChanged(try StatusChanged(json: event.data))
        default:
            throw EventLogError(
                .invalidInput,
                "type: \"\(event.type.prefix(100))\" is not a document tracking event; known: \(DocumentEvents.all.sorted().joined(separator: ", "))",
                field: "type")
        }
        let expected = DocumentEvents.stream(receiptNumber: typed.receiptNumber)
        guard event.stream == expected else {
            throw EventLogError(
                .invalidInput, "stream: \"\(event.stream.prefix(100))\" must be \(expected), the stream of data.receiptNumber",
                field: "stream")
        }
        return typed
    }
}
