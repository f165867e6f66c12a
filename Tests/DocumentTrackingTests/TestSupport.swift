import Crypto
import DomainKit
import EventLog
import Foundation
import JSON
import PersonalData
import Projections
import Testing

@testable import DocumentTracking

/// A fixed secret for tests.
let testSecret = SymmetricKey(data: Data(repeating: 7, count: 32))

/// A deterministic generator for command decisions in tests.
struct CountingGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func ts(_ text: String) -> Timestamp {
    Timestamp(text) ?? Timestamp(millisecondsSince1970: 0)
}

/// A data directory in the temporary folder with a store guarded by the domain's rules and
/// (on demand) a projection engine; removed at deinit.
final class Harness {
    let path: String
    let store: EventStore
    let domain: DocumentTrackingDomain
    let ruleGuard: RuleGuard
    private var engineStorage: ProjectionEngine?

    init(secret: SymmetricKey = testSecret, vault: Vault? = nil) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("lumbung-documents-\(UUID().uuidString)").path
        var options = EventStore.Options()
        options.noSync = true
        store = try EventStore(dataDirectory: path, options: options)
        domain = DocumentTrackingDomain(secret: secret, vault: vault)
        ruleGuard = RuleGuard(rules: [domain.rules])
        store.appendGuard = ruleGuard
    }

    deinit {
        store.close()
        try? FileManager.default.removeItem(atPath: path)
    }

    func engine() throws -> ProjectionEngine {
        if let engineStorage { return engineStorage }
        let e = try ProjectionEngine(store: store, dataDirectory: path, projectors: domain.projectors)
        engineStorage = e
        return e
    }

    @discardableResult
    func append(_ events: [ProposedEvent]) async throws -> AppendOutcome {
        try await store.append(try AppendRequest(events: events, actor: "test"))
    }

    /// Appends a raw event (JSON text), as `lumbung append` would.
    @discardableResult
    func appendRaw(stream: String, type: String, data: String) async throws -> AppendOutcome {
        try await append([try ProposedEvent(stream: stream, type: type, data: Array(data.utf8))])
    }

    /// Runs a command through the domain, as the service does, and appends its events.
    func run(_ name: String, _ body: JSONValue, now: Timestamp = ts("2018-12-31T00:00:00+08:00")) async throws -> Decision {
        let command = try domain.parse(name, body: body)
        let decision = try ruleGuard.withCurrentState(store) { try domain.decide(command, now: now) }
        try await append(decision.events)
        return decision
    }

    /// Submits an application; returns its receipt number and PIN.
    func submit(
        _ type: String = "ktp-el", office: String = "dukcapil-mataram", nik: String = "5271014507850001",
        at: String = "2018-08-06T09:00:00+08:00"
    ) async throws -> (receipt: String, pin: String) {
        let d = try await run(
            "submit-application",
            [
                "documentType": .string(type), "office": .string(office), "channel": "counter", "applicant": ["nik": .string(nik)],
                "submittedAt": .string(at),
            ])
        return (d.ids["receiptNumber"] ?? "", d.secrets["pin"] ?? "")
    }

    /// Moves an application along.
    func change(_ receipt: String, to: String, at: String, reason: String? = nil, officer: String = "dukcapil-mataram/petugas-01")
        async throws
    {
        var body: JSONValue = ["receiptNumber": .string(receipt), "to": .string(to), "officer": .string(officer), "changedAt": .string(at)]
        if let reason, case .object(var m) = body {
            m.append((key: "reason", value: .string(reason)))
            body = .object(m)
        }
        _ = try await run("change-status", body)
    }

    /// Expects `body` to throw an `EventLogError` with `code` naming `field`, and the log to be
    /// exactly as before (same stats, same head hash). Returns the error.
    @discardableResult
    func expectRefused(
        _ code: EventLogError.Code, field: String, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> Void
    ) async throws -> EventLogError? {
        let before = try store.stats()
        var caught: EventLogError?
        do {
            try await body()
            Issue.record("expected a refusal on \(field)", sourceLocation: sourceLocation)
        } catch let e as EventLogError {
            caught = e
            #expect(e.code == code, "\(e.message)", sourceLocation: sourceLocation)
            #expect(e.field == field, "\(e.message)", sourceLocation: sourceLocation)
            #expect(e.message.hasPrefix(field + ":"), "\(e.message)", sourceLocation: sourceLocation)
        }
        let after = try store.stats()
        #expect(after.events == before.events, sourceLocation: sourceLocation)
        #expect(after.headPosition == before.headPosition, sourceLocation: sourceLocation)
        #expect(after.headHash == before.headHash, sourceLocation: sourceLocation)
        #expect(after.streams == before.streams, sourceLocation: sourceLocation)
        return caught
    }

    /// Every key and value of every database of every view.
    func dumpViews() throws -> [String: [String: [UInt8]]] {
        let engine = try engine()
        return try engine.read { snapshot in
            var out: [String: [String: [UInt8]]] = [:]
            for p in domain.projectors {
                let reader = try snapshot.view(p.name)
                for db in p.databases {
                    var entries: [String: [UInt8]] = [:]
                    try reader.scan(db) { k, v in
                        entries[k] = v
                        return true
                    }
                    out[p.name + "/" + db] = entries
                }
            }
            return out
        }
    }

    func read<R>(_ view: ViewName, _ body: (ViewReader) throws -> R) throws -> R {
        try engine().read { snapshot in try body(try snapshot.view(view)) }
    }
}

/// A payload of `documents.application-submitted` as JSON text, with fields overridable.
func submittedJSON(
    receipt: String = "MTR-0123456789", type: String = "\"ktp-el\"", office: String = "\"dukcapil-mataram\"",
    channel: String = "\"counter\"", applicant: String? = nil, pinHash: String? = nil,
    submittedAt: String = "\"2018-08-06T01:00:00.000Z\"", extra: String = ""
) -> String {
    let nikHash = DocumentSecrets.nikHash(nik: "5271014507850001", secret: testSecret)
    let pin = DocumentSecrets.pinHash(receiptNumber: receipt, pin: "123456", secret: testSecret)
    return """
        {"receiptNumber":"\(receipt)","documentType":\(type),"office":\(office),"channel":\(channel),\
        "applicant":\(applicant ?? "{\"nikHash\":\"\(nikHash)\"}"),"pinHash":\(pinHash ?? "\"\(pin)\""),\
        "submittedAt":\(submittedAt)\(extra)}
        """
}

func changedJSON(
    receipt: String = "MTR-0123456789", from: String = "submitted", to: String = "verified", reason: String? = nil,
    officer: String = "dukcapil-mataram/petugas-01", changedAt: String = "2018-08-07T01:00:00.000Z"
) -> String {
    let r = reason.map { ",\"reason\":\"\($0)\"" } ?? ""
    return """
        {"receiptNumber":"\(receipt)","from":"\(from)","to":"\(to)"\(r),"officer":"\(officer)","changedAt":"\(changedAt)"}
        """
}
