public import DomainKit
public import EventLog

/// The rules of document tracking, run by `RuleGuard` before anything is written: the same checks
/// for commands, raw appends (`lumbung append`, `POST /v1/streams/...`) and imports.
///
/// `admit` reads the event (`Application.Event.read`: `.invalidInput` for an unknown `documents.`
/// type or a payload that does not fit), refuses a stream that is not
/// `application-<data.receiptNumber>` (`.invalidInput`, field `stream`), and runs
/// `Application.decide` on the state of that application (`.ruleViolation`). It changes nothing
/// when it throws.
///
/// The decision state is one small `Application.State` per receipt number, kept in the log's
/// decision state (table `documents/application/`, see `DecisionTable`) and read and stored per
/// application (`state(of:)`), in whatever `decisions` the `RuleGuard` set for the call.
public final class DocumentTrackingRules: DomainRules, @unchecked Sendable {
    public var decisions = DecisionState.empty
    private let applications = DecisionTable<Application.State>(domain: DocumentTrackingDomain.name, table: "application")
    /// Each application's office, by receipt number (for keys scoped to offices).
    private let offices = DecisionTable<String>(domain: DocumentTrackingDomain.name, table: "office")

    public init() {}

    public func owns(_ type: String) -> Bool { type.hasPrefix(DocumentTrackingDomain.typePrefix) }

    /// 2: each application's office is kept too (table `office`).
    public var stateVersion: Int { 2 }

    /// The state of the application with this receipt number (`.initial` when there is none).
    public func state(of receiptNumber: String) throws(EventLogError) -> Application.State {
        try applications.get(receiptNumber, in: decisions) ?? .initial
    }

    /// How many applications the state holds (for tests and diagnostics: it reads them all).
    public var applicationCount: Int {
        get throws(EventLogError) { try applications.all(in: decisions).count }
    }

    public func admit(_ event: DomainEvent) throws {
        let typed = try Self.read(event)
        // A key scoped to offices works on the applications of those offices only.
        if case .submitted(let e) = typed {
            try event.requireInScope(e.office, kind: "office", field: "data.office")
        } else if event.scope != nil {
            if let office = try offices.get(typed.receiptNumber, in: decisions) {
                try event.requireInScope(office, kind: "office", field: "data.receiptNumber")
            } else if try state(of: typed.receiptNumber).status != nil {
                // Only a log written without the rules leaves an application without its office: refuse, not allow.
                throw EventLogError(
                    .forbidden, "receiptNumber: the office of \(typed.receiptNumber) is not known, so a scoped key may not change it",
                    field: "data.receiptNumber")
            }
        }
        let command: Application.Command
        switch typed {
        case .submitted(let e):
            command = .submit(e)
        case .statusChanged(let e):
            command = .changeStatus(
                receiptNumber: e.receiptNumber, from: e.from, to: e.to, reasonCode: e.reasonCode, reason: e.reason, officer: e.officer,
                changedAt: e.changedAt)
        case .pinReissued(let e):
            command = .reissuePin(e)
        case .notification(let outcome, let e):
            command = .recordNotification(outcome, e)
        }
        let decided = try Application.run(command, try state(of: typed.receiptNumber))
        try applications.set(typed.receiptNumber, decided.state, in: decisions)
        if case .submitted(let e) = typed { try offices.set(e.receiptNumber, e.office, in: decisions) }
    }

    public func evolve(_ event: DomainEvent) throws {
        guard let typed = try? Self.read(event) else { return }
        try applications.set(typed.receiptNumber, Application.evolve(try state(of: typed.receiptNumber), typed), in: decisions)
        if case .submitted(let e) = typed { try offices.set(e.receiptNumber, e.office, in: decisions) }
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
