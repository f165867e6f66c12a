public import DomainKit
import EventLog

/// The rules of document tracking, run by `RuleGuard` before anything is written: the same checks
/// for commands, raw appends (`lumbung append`, `POST /v1/streams/...`) and imports.
///
/// `admit` reads the event (`Application.Event.read`: `.invalidInput` for an unknown `documents.`
/// type or a payload that does not fit), refuses a stream that is not
/// `application-<data.receiptNumber>` (`.invalidInput`, field `stream`), and runs
/// `Application.decide` on the state of that application (`.ruleViolation`). It changes nothing
/// when it throws.
///
/// The decision state is one small `Application.State` per receipt number, loaded and stored per
/// application (`state(of:)`, `store`). Changes are recorded in the journal the guard passes, so a
/// trial or an uncommitted transaction is undone exactly. Only `RuleGuard` (under its lock) and
/// command deciders (inside `RuleGuard.withCurrentState`) touch it.
public final class DocumentTrackingRules: DomainRules, @unchecked Sendable {
    private var applications: [String: Application.State] = [:]

    public init() {}

    public func owns(_ type: String) -> Bool { type.hasPrefix(DocumentTrackingDomain.typePrefix) }

    /// The state of the application with this receipt number (`.initial` when there is none).
    public func state(of receiptNumber: String) -> Application.State {
        applications[receiptNumber] ?? .initial
    }

    /// How many applications the rules know.
    public var applicationCount: Int { applications.count }

    public func admit(_ event: DomainEvent, journal: Journal) throws {
        let typed = try Self.read(event)
        let command: Application.Command
        switch typed {
        case .submitted(let e):
            command = .submit(e)
        case .statusChanged(let e):
            command = .changeStatus(
                receiptNumber: e.receiptNumber, from: e.from, to: e.to, reason: e.reason, officer: e.officer,
                changedAt: e.changedAt)
        case .pinReissued(let e):
            command = .reissuePin(e)
        }
        let decided = try Application.run(command, state(of: typed.receiptNumber))
        store(decided.state, for: typed.receiptNumber, journal: journal)
    }

    public func evolve(_ event: DomainEvent, journal: Journal) {
        guard let typed = try? Self.read(event) else { return }
        store(Application.evolve(state(of: typed.receiptNumber), typed), for: typed.receiptNumber, journal: journal)
    }

    /// Stores the state of one application, recording the undo in `journal`.
    private func store(_ state: Application.State, for receiptNumber: String, journal: Journal) {
        let old = applications[receiptNumber]
        applications[receiptNumber] = state
        journal.record { [weak self] in self?.applications[receiptNumber] = old }
    }

    /// Reads a `documents.` event into its typed form, checking its type, payload and stream.
    static func read(_ event: DomainEvent) throws(EventLogError) -> Application.Event {
        let typed = try Application.Event.read(type: event.type, data: event.data)
        let expected = DocumentEvents.stream(receiptNumber: typed.receiptNumber)
        guard event.stream == expected else {
            throw EventLogError(
                .invalidInput, "stream: \"\(event.stream.prefix(100))\" must be \(expected), the stream of data.receiptNumber",
                field: "stream")
        }
        return typed
    }
}
