public import EventLog
import Foundation
import JSON

/// The rules of every domain, run by the log's writer before each request is written (an
/// `AppendGuard`): the same check for commands, raw appends and imports.
///
/// It keeps the domains' decision state in memory, folded from the log. In `check` it first
/// folds what the log holds beyond what it has seen (commits of any process, and the requests
/// accepted earlier in the same transaction), then tries the request's events on the state and
/// undoes the trial: the events come back from the log once written. A transaction that does not
/// commit is undone from the journal.
public final class RuleGuard: AppendGuard, @unchecked Sendable {
    let rules: [any DomainRules]
    private let journal = Journal()
    private let lock = NSLock()
    /// The last position folded into the state.
    private var seen: UInt64 = 0
    private var inTransaction = false
    private var transactionMark = 0
    private var transactionSeen: UInt64 = 0

    public init(rules: [any DomainRules]) {
        self.rules = rules
    }

    public func check(_ request: AppendRequest, log: borrowing LogReader) throws {
        lock.lock()
        defer { lock.unlock() }
        if !inTransaction {
            inTransaction = true
            transactionMark = journal.mark
            transactionSeen = seen
        }
        if log.headPosition > seen {
            try log.forEachRecord(after: seen) { view in
                fold(view)
                return true
            }
        }
        let mark = journal.mark
        defer { journal.rollback(to: mark) }
        for event in request.events {
            guard let domain = rules.first(where: { $0.owns(event.type) }) else { continue }
            try domain.admit(
                DomainEvent(stream: event.stream, type: event.type, data: event.dataValue, occurredAt: event.occurredAt, id: event.id),
                journal: journal)
        }
    }

    public func transactionEnded(committed: Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard inTransaction else { return }
        if committed {
            journal.commit()
        } else {
            journal.rollback(to: transactionMark)
            seen = transactionSeen
        }
        inTransaction = false
    }

    private func fold(_ view: EventRecordView) {
        seen = view.position
        let type = view.type
        guard let domain = rules.first(where: { $0.owns(type) }),
            let data = try? JSONParser.parse(view.dataBytes)
        else { return }
        domain.evolve(
            DomainEvent(stream: view.stream, type: type, data: data, occurredAt: view.occurredAt, position: view.position, id: view.id),
            journal: journal)
    }

    /// Folds the committed log into the state (at start, so the first write does not wait for it),
    /// then runs `body` with the state current. Deciders of commands read the state here.
    public func withCurrentState<R>(_ store: EventStore, _ body: () throws -> R) throws -> R {
        lock.lock()
        defer { lock.unlock() }
        if !inTransaction {
            try store.forEachRecord(EventFilter(fromPosition: seen + 1)) { view in
                fold(view)
                return true
            }
            journal.commit()
        }
        return try body()
    }

    /// Folds the committed log (see `withCurrentState`).
    public func prepare(_ store: EventStore) throws {
        try withCurrentState(store) {}
    }
}
