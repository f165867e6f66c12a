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

/// Rules of a toy "account" domain: a balance that never goes below zero.
final class AccountRules: DomainRules {
    var balances: [String: Int] = [:]

    func owns(_ type: String) -> Bool { type.hasPrefix("acct.") }

    func admit(_ event: DomainEvent, journal: Journal) throws {
        guard event.type == "acct.moved" else {
            throw EventLogError(.invalidInput, "type: unknown account event \(event.type)", field: "type")
        }
        guard let amount = event.data["amount"]?.intValue else {
            throw EventLogError(.invalidInput, "data.amount: must be an integer", field: "data.amount")
        }
        let current = balances[event.stream] ?? 0
        guard current + amount >= 0 else {
            throw EventLogError(
                .ruleViolation, "data.amount: \(amount) would take \(event.stream) below zero (balance \(current))",
                field: "data.amount")
        }
        set(event.stream, current + amount, journal)
    }

    func evolve(_ event: DomainEvent, journal: Journal) {
        guard let amount = event.data["amount"]?.intValue else { return }
        set(event.stream, (balances[event.stream] ?? 0) + amount, journal)
    }

    private func set(_ stream: String, _ value: Int, _ journal: Journal) {
        let old = balances[stream]
        balances[stream] = value
        journal.record { [unowned self] in self.balances[stream] = old }
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
    try engine.read { snapshot in
        let view = try snapshot.view(name)
        var out: [String: [String: [UInt8]]] = [:]
        for db in databases {
            var entries: [String: [UInt8]] = [:]
            try view.scan(db) { k, v in
                entries[k] = v
                return true
            }
            out[db] = entries
        }
        return out
    }
}
