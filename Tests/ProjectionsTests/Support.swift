import DomainKit
import EventLog
import Foundation
import Projections

/// A scratch data directory, removed when the value is released.
final class ScratchDirectory {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "lumbung-projections-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Counts events per type and sums `data.amount` per stream: a small, checkable view.
struct CountingProjector: Projector {
    var name = "test.counts"
    var version = 1
    var eventTypes: Set<String>? = nil
    var databases: [String] { ["types", "sums"] }

    func apply(_ event: RecordedEvent, to view: ViewWriter) throws {
        try view.update("types", event.type, initial: 0) { $0 += 1 }
        if let amount = try event.dataValue()["amount"]?.intValue {
            try view.update("sums", event.stream, initial: 0) { $0 += amount }
        }
    }
}

/// Rules of a toy "account" domain: a balance that never goes below zero, kept in the log's
/// decision state.
final class AccountRules: DomainRules {
    var decisions = DecisionState.empty
    let balances = DecisionTable<Int>(domain: "acct", table: "balance")
    var version = 1
    var stateVersion: Int { version }

    func owns(_ type: String) -> Bool { type.hasPrefix("acct.") }

    func balance(_ stream: String) throws -> Int { try balances.get(stream, in: decisions) ?? 0 }

    func admit(_ event: DomainEvent) throws {
        guard event.type == "acct.moved" else {
            throw EventLogError(.invalidInput, "type: unknown account event \(event.type)", field: "type")
        }
        guard let amount = event.data["amount"]?.intValue else {
            throw EventLogError(.invalidInput, "data.amount: must be an integer", field: "data.amount")
        }
        let current = try balance(event.stream)
        // Written before the refusal: a refused request must still leave nothing.
        try balances.set(event.stream, current + amount, in: decisions)
        guard current + amount >= 0 else {
            throw EventLogError(
                .ruleViolation, "data.amount: \(amount) would take \(event.stream) below zero (balance \(current))",
                field: "data.amount")
        }
    }

    func evolve(_ event: DomainEvent) throws {
        guard let amount = event.data["amount"]?.intValue else { return }
        try balances.set(event.stream, try balance(event.stream) + amount, in: decisions)
    }
}

func move(_ stream: String, _ amount: Int) throws -> ProposedEvent {
    try ProposedEvent(stream: stream, type: "acct.moved", data: Array(#"{"amount":\#(amount)}"#.utf8))
}

extension EventStore {
    func write(_ events: [ProposedEvent]) throws -> AppendOutcome {
        try appendBlocking(AppendRequest(events: events, actor: "test"))
    }
}

/// Every key and value of every database of view `name`.
func dump(_ engine: ProjectionEngine, _ name: String, databases: [String]) throws -> [String: [String: [UInt8]]] {
    var out: [String: [String: [UInt8]]] = [:]
    for db in databases {
        out[db] = Dictionary(uniqueKeysWithValues: try entries(engine, name, db).map { ($0.key, $0.value) })
    }
    return out
}

/// Every key and value of database `db` of view `name`, in LMDB's order.
func entries(_ engine: ProjectionEngine, _ name: String, _ db: String) throws -> [(key: String, value: [UInt8])] {
    try engine.read { snapshot in
        var out: [(key: String, value: [UInt8])] = []
        try snapshot.view(name).scan(db) { k, v in
            out.append((k, v))
            return true
        }
        return out
    }
}
