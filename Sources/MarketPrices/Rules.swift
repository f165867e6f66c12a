import DomainKit
import EventLog
import Projections

/// The rules of the prices domain, run by the `RuleGuard` for every door into the log
/// (commands, raw appends, imports). Holds the decision state (`PriceBook.State`) folded from
/// the log.
///
/// Contract (see `DomainRules`): `owns` every `prices.` type; `admit` refuses unknown `prices.`
/// types and malformed payloads (`.invalidInput`) and rule breaches (`.ruleViolation`), naming
/// the field, and leaves the state unchanged when it throws; when it passes (and in `evolve`),
/// the change is recorded in the journal so that a trial or an uncommitted transaction is undone
/// exactly.
///
/// Thread safety: not synchronized itself; the `RuleGuard` owning it serializes every call
/// (and `RuleGuard.withCurrentState` gives commands a consistent state).
public final class MarketPricesRules: DomainRules, @unchecked Sendable {
    /// The decision state. Read it only while the `RuleGuard` holds it current.
    public private(set) var state = PriceBook.State()

    public init() {}

    public func owns(_ type: String) -> Bool { type.hasPrefix(MarketPricesEventType.prefix) }

    public func admit(_ event: DomainEvent, journal: Journal) throws {
        let decoded = try PricesEvent.decode(event)
        try PriceBook.validate(decoded, state)
        apply(decoded, journal: journal)
    }

    /// `admit` for an event already typed (the importer's).
    func admit(_ event: PricesEvent, journal: Journal) throws(EventLogError) {
        try PriceBook.validate(event, state)
        apply(event, journal: journal)
    }

    public func evolve(_ event: DomainEvent, journal: Journal) {
        // Events in the log passed the rules when written; one this version cannot read is skipped.
        guard let decoded = try? PricesEvent.decode(event) else { return }
        apply(decoded, journal: journal)
    }

    private func apply(_ event: PricesEvent, journal: Journal) {
        let undo = state.apply(event)
        if case .none = undo { return }
        journal.record { [unowned self] in self.state.undo(undo) }
    }
}
