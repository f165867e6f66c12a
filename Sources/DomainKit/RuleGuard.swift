public import EventLog
import Foundation
import JSON

/// The rules of every domain, run by the log's writer before each request is written (an
/// `AppendGuard`): the same check for commands, raw appends and imports.
///
/// The domains' decision state is kept in the log's environment (`keepsDecisionState`), written
/// in the same transaction as the events it follows, so it never disagrees with the log and is
/// never folded whole into memory: a write reads only the keys its events touch, on a log of any
/// size. In `check` the guard first folds what the log holds beyond the state's position (a log
/// written before, events a replica copied; normally nothing, as `prepare` brought the state
/// current at start), then admits the request's events, each writing the state it leaves.
///
/// Thread safety: one lock serializes `check`, `withCurrentState` and `prepare`, and with them
/// every use of the domains' rules.
public final class RuleGuard: AppendGuard, @unchecked Sendable {
    let rules: [any DomainRules]
    let lock = NSLock()

    public init(rules: [any DomainRules]) {
        self.rules = rules
    }

    public var keepsDecisionState: Bool { true }

    /// The layout of the whole state: every domain's rules and their `stateVersion`.
    var layout: String { rules.map { "\(type(of: $0)):\($0.stateVersion)" }.joined(separator: ",") }

    public func check(_ request: AppendRequest, log: borrowing LogReader) throws {
        lock.lock()
        defer { lock.unlock() }
        use(log.decisions)
        defer { use(.empty) }
        try catchUp(log)
        for event in request.events {
            guard let domain = rules.first(where: { $0.owns(event.type) }) else {
                if request.scope != nil, !request.isSystem {
                    throw EventLogError(
                        .forbidden, "type: a key with a scope writes only its domain's events, not \(event.type)", field: "type")
                }
                continue
            }
            try domain.admit(
                DomainEvent(
                    stream: event.stream, type: event.type, data: event.dataValue, occurredAt: event.occurredAt, id: event.id,
                    scope: request.isSystem ? nil : request.scope, actor: request.isSystem ? nil : request.actor))
        }
    }

    public func transactionEnded(committed: Bool) {}

    /// Folds what the log holds beyond the state's position into the state of `log`'s
    /// transaction (the rules must be using it).
    private func catchUp(_ log: borrowing LogReader) throws {
        let at = try log.statePosition
        guard log.headPosition > at else { return }
        try log.forEachRecord(after: at) { view in
            try fold(view)
            return true
        }
    }

    func use(_ state: DecisionState) {
        for r in rules { r.decisions = state }
    }

    func fold(_ view: EventRecordView) throws {
        let type = view.type
        guard let domain = rules.first(where: { $0.owns(type) }),
            let data = try? JSONParser.parse(view.dataBytes)
        else { return }
        try domain.evolve(
            DomainEvent(stream: view.stream, type: type, data: data, occurredAt: view.occurredAt, position: view.position, id: view.id))
    }

    /// Runs `body` with the rules reading the decision state of one snapshot of the log: a
    /// command decides here (its events are checked again by `check` when written, against the
    /// state of that moment).
    public func withCurrentState<R>(_ store: EventStore, _ body: () throws -> R) throws -> R {
        lock.lock()
        defer { lock.unlock() }
        return try store.readDecisions { reader in
            use(reader.decisions)
            defer { use(.empty) }
            return try body()
        }
    }

    /// Runs `body` with the rules reading and writing the decision state in the log's write
    /// transaction, then undoes everything: an importer's dry run of many events against the
    /// state as it is now. It holds the writer's lock while it runs.
    public func trial<R>(_ store: EventStore, _ body: () throws -> R) throws -> R {
        lock.lock()
        defer { lock.unlock() }
        var result: [R] = []  // not R?: R may itself be optional
        try store.withDecisionTrial { log in
            use(log.decisions)
            defer { use(.empty) }
            try catchUp(log)
            result.append(try body())
        }
        return result[0]
    }

    /// Brings the decision state up to the log (a log written before the state was kept, or
    /// events a writer without the rules appended), in steps of its own write transactions,
    /// with `progress(done, total)`. Does nothing when it is current, which is the usual start.
    public func prepare(_ store: EventStore, progress: ((UInt64, UInt64) -> Void)? = nil) throws {
        lock.lock()
        defer { lock.unlock() }
        // A state kept with another layout (a table added, a value changed) is built again.
        if try store.decisionStateLayout() != layout { try store.resetDecisionState(layout: layout) }
        try store.updateDecisionState(progress: progress) { log, through in
            use(log.decisions)
            defer { use(.empty) }
            try log.forEachRecord(after: try log.statePosition) { view in
                guard view.position <= through else { return false }
                try fold(view)
                return true
            }
        }
    }
}

extension RuleGuard {
    /// The decision state as kept beside the state a fold of the whole log gives (see
    /// `EventStore.auditDecisionState`; it reads every event and holds the writer's lock).
    public func audit(_ store: EventStore) throws -> DecisionStateAudit {
        lock.lock()
        defer { lock.unlock() }
        return try store.auditDecisionState { log in
            use(log.decisions)
            defer { use(.empty) }
            try log.forEachRecord(after: 0) { view in
                try fold(view)
                return true
            }
        }
    }

    /// Runs `body` with `rules` reading and writing the decision state of a throwaway log in a
    /// temporary directory (removed afterwards): rules tested without a data directory.
    public static func withScratchState<R>(_ rules: [any DomainRules], _ body: () throws -> R) throws -> R {
        let directory = NSTemporaryDirectory() + "lumbung-rules-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = EventStore.Options()
        options.noSync = true
        let store = try EventStore(dataDirectory: directory, options: options)
        defer { store.close() }
        return try RuleGuard(rules: rules).trial(store, body)
    }
}
