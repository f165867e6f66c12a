import DomainKit
import EventLog
import Projections

/// The rules of the aid domain, run for every door into the log (commands, raw appends,
/// imports) by a `RuleGuard`.
///
/// Contract (see `DomainRules`): `owns` every `aid.` type; `admit` refuses unknown `aid.` types
/// and payloads that do not fit their schema (`.invalidInput`), events off their own stream or
/// whose occurredAt differs from the payload's time (`.invalidInput`), and anything a rule of
/// `AidState.check` forbids (`.ruleViolation`); it leaves the state unchanged when it throws,
/// and otherwise applies the event, recording every change's undo in the journal. `evolve`
/// folds an event already in the log and skips what it cannot read.
///
/// Not thread-safe by itself: the `RuleGuard` that holds it serializes every call (`check`,
/// `withCurrentState`); read `state` only inside `RuleGuard.withCurrentState`.
public final class AidLogisticsRules: DomainRules, @unchecked Sendable {
    /// The decision state, current with the log inside `RuleGuard.withCurrentState`.
    public private(set) var state = AidState()

    public init() {}

    public func owns(_ type: String) -> Bool { type.hasPrefix(AidEventType.prefix) }

    public func admit(_ event: DomainEvent, journal: Journal) throws {
        let e = try AidEvent.parse(event)
        try state.check(e)
        apply(e, journal: journal)
    }

    public func evolve(_ event: DomainEvent, journal: Journal) {
        guard let e = try? AidEvent.parse(type: event.type, data: event.data) else { return }
        apply(e, journal: journal)
    }

    private func apply(_ e: AidEvent, journal: Journal) {
        state.apply(e) { undo in
            journal.record { [unowned self] in undo(&self.state) }
        }
    }
}
