public import DomainKit
public import EventLog

/// The decider of one application (stream `application-<receiptNumber>`): pure functions over
/// its state, tested without storage. `DocumentTrackingRules` runs them for every door into the
/// log, and `DocumentTrackingCommand.decide` for commands. Its events are `Application.Event`
/// (Events/ApplicationEvent.swift).
public enum Application: Decider {
    /// What the rules need to know of one application.
    public struct State: Sendable, Equatable, Codable {
        /// Nil until it is submitted.
        public var status: ApplicationStatus?
        public var submittedAt: Timestamp?
        /// The time of its latest event (submission or change).
        public var lastChangedAt: Timestamp?

        /// No application yet.
        public static let initial = State()
    }

    /// No application yet.
    public static var initial: State { .initial }

    /// What may be asked of an application.
    public enum Command: Sendable, Equatable {
        /// Record a submission whose receipt number, hashes and time are already made.
        case submit(ApplicationSubmitted)
        /// Move the application to `to`. `from`, when given, must be the current status (an
        /// event from the log or an import carries it); nil takes the current status.
        case changeStatus(
            receiptNumber: String, from: ApplicationStatus?, to: ApplicationStatus, reasonCode: ReasonCode? = nil, reason: String?,
            officer: String, changedAt: Timestamp)
        /// Record a new PIN (its hash already made) for a submitted application.
        case reissuePin(PinReissued)
        /// Record what became of a notification of a submitted application.
        case recordNotification(NotificationRecorded.Outcome, NotificationRecorded)
    }

    /// The events `command` produces on `state`, or the rule it breaks (`.ruleViolation`, the
    /// message naming the `data.` field and the values involved). Rules:
    /// - a receipt number is used once;
    /// - a change needs a submitted application, `from` equal to its current status, a move the
    ///   lifecycle allows (nothing after `rejected` or `collected`), a reason when the new status
    ///   is `revision-requested` or `rejected` (a reason code; free text alone is still accepted,
    ///   as DESIGN's `reason` field, but the screens always send a code), a reason code that
    ///   explains the new status (`ReasonCode.applies(to:)`), and a time not before the
    ///   application's last event;
    /// - a new PIN needs a submitted application (in any status: a collected document's history
    ///   stays readable) and a time not before its submission.
    public static func decide(_ command: Command, _ state: State) throws(EventLogError) -> [Event] {
        switch command {
        case .submit(let e):
            if state.status != nil {
                let when = state.submittedAt.map { " submitted at \($0)" } ?? ""
                throw violation(
                    "receiptNumber",
                    "receipt number \(e.receiptNumber) is already used by an application\(when); a receipt number is used once")
            }
            return [.submitted(e)]

        case .reissuePin(let e):
            return try decideReissue(e, state)

        case .recordNotification(let outcome, let e):
            guard state.status != nil else {
                throw violation("receiptNumber", "no application \(e.receiptNumber) has been submitted")
            }
            return [.notification(outcome, e)]

        case .changeStatus(let receipt, let from, let to, let reasonCode, let reason, let officer, let changedAt):
            guard let current = state.status else {
                throw violation("receiptNumber", "no application \(receipt) has been submitted")
            }
            if let from, from != current {
                throw violation(
                    "from", "\"\(from.rawValue)\" is not the status of application \(receipt), which is \"\(current.rawValue)\"")
            }
            if current.isFinal {
                throw violation(
                    "to", "application \(receipt) is \"\(current.rawValue)\", a final status: it cannot become \"\(to.rawValue)\"")
            }
            guard current.canMove(to: to) else {
                let allowed = current.next.map(\.rawValue).joined(separator: ", ")
                throw violation(
                    "to",
                    "application \(receipt) cannot go from \"\(current.rawValue)\" to \"\(to.rawValue)\"; from \"\(current.rawValue)\" it may go to: \(allowed)"
                )
            }
            if let reasonCode, !reasonCode.applies(to: to) {
                let fitting = ReasonCode.codes(for: to).map(\.rawValue)
                throw violation(
                    "reasonCode",
                    "\"\(reasonCode.rawValue)\" does not explain a move to \"\(to.rawValue)\"; "
                        + (fitting.isEmpty ? "that move takes no reason code" : "for it use one of: \(fitting.joined(separator: ", "))"))
            }
            if to.requiresReason, reasonCode == nil, reason.map({ $0.trimmingWhitespace().isEmpty }) ?? true {
                let fitting = ReasonCode.codes(for: to).map(\.rawValue).joined(separator: ", ")
                throw violation(
                    "reason",
                    "a reason is required when application \(receipt) becomes \"\(to.rawValue)\" (the resident must learn why): give reasonCode, one of \(fitting), with free text in reason if needed"
                )
            }
            if let last = state.lastChangedAt, changedAt < last {
                throw violation("changedAt", "\(changedAt) is before the last event of application \(receipt), at \(last)")
            }
            return [
                .statusChanged(
                    StatusChanged(
                        receiptNumber: receipt, from: current, to: to, reasonCode: reasonCode, reason: reason, officer: officer,
                        changedAt: changedAt))
            ]
        }
    }

    static func decideReissue(_ e: PinReissued, _ state: State) throws(EventLogError) -> [Event] {
        guard let submittedAt = state.submittedAt else {
            throw violation("receiptNumber", "no application \(e.receiptNumber) has been submitted")
        }
        if e.reissuedAt < submittedAt {
            throw violation(
                "reissuedAt", "\(e.reissuedAt) is before application \(e.receiptNumber) was submitted, at \(submittedAt)")
        }
        return [.pinReissued(e)]
    }

    /// Applies an event already decided (or read from the log). Never fails. A new PIN and a
    /// notification's outcome change nothing the rules look at (they are not steps of the lifecycle).
    public static func evolve(_ state: State, _ event: Event) -> State {
        var s = state
        switch event {
        case .submitted(let e):
            s.status = .submitted
            s.submittedAt = e.submittedAt
            s.lastChangedAt = max(s.lastChangedAt ?? e.submittedAt, e.submittedAt)
        case .statusChanged(let e):
            s.status = e.to
            s.lastChangedAt = max(s.lastChangedAt ?? e.changedAt, e.changedAt)
        case .pinReissued, .notification:
            break
        }
        return s
    }

    static func violation(_ field: String, _ message: String) -> EventLogError {
        EventLogError(.ruleViolation, "data.\(field): \(message)", field: "data.\(field)")
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
