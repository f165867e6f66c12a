import DomainKit
import EventLog
import Hummingbird
import JSON
import LumbungCore
import Projections

/// What a domain's command produced, domain-neutral: the events, the ids made, and secrets shown once.
struct CommandOutcome {
    let events: [ProposedEvent]
    let ids: [String: String]
    let secrets: [String: String]
}

extension LumbungServices {
    /// Runs a command: `decide` runs against the rules' current state (the same rules then check
    /// the events again inside the write), the events are appended for `caller`, the views are
    /// made current (read your writes), and the answer carries the ids, secrets and `position`.
    func run(caller: APIKey, _ decide: () throws -> CommandOutcome) async throws -> Response {
        let (outcome, written) = try await execute(caller: caller, decide)
        var members: [(String, JSONValue)] = []
        for (k, v) in outcome.ids.sorted(by: { $0.key < $1.key }) { members.append((k, .string(v))) }
        for (k, v) in outcome.secrets.sorted(by: { $0.key < $1.key }) { members.append((k, .string(v))) }
        members.append(("position", .number(Double(written.lastPosition))))
        members.append(("events", .number(Double(written.results.count))))
        return JSONResponse.object(members, status: written.duplicate ? .ok : .created)
    }

    /// `run`'s decision and write, answered as they are (the staff screens render them). With
    /// `eventID` (a form's, made when it was drawn) the first event is written under that id: a
    /// resent form is the same event, and the log keeps it once.
    func execute(caller: APIKey, eventID: EventID? = nil, _ decide: () throws -> CommandOutcome) async throws -> (
        outcome: CommandOutcome, written: AppendOutcome
    ) {
        try refuseIfReadOnly()
        do {
            var outcome = try rules.withCurrentState(store) { try decide() }
            if let eventID, let first = outcome.events.first {
                outcome = CommandOutcome(
                    events: [first.identified(by: eventID)] + outcome.events.dropFirst(), ids: outcome.ids, secrets: outcome.secrets)
            }
            return (outcome, try await write(outcome.events, actor: caller.actor, scope: caller.scope))
        } catch let error as EventLogError {
            throw Self.bodyFields(error)
        }
    }

    /// A command's body is its event's `data`: an error naming `data.<field>` (as the rules name
    /// the fields of an event) names the body's `<field>`.
    static func bodyFields(_ error: EventLogError) -> EventLogError { error.namingBodyFields }

    /// Reads views current to at least `?minPosition=` (read your writes): waits up to 2 s, else 503 with Retry-After.
    func views<R>(_ request: Request, replaying names: [String]? = nil, _ body: (ViewSnapshotAccess) throws -> R) async throws -> R {
        // The auditor's "as of" (views that take it: `names`): answered from a fold of the log up
        // to that point. Other routes give `asOf` a meaning of their own (the documents queue's).
        if let names, let point = try request.pointInHistory() {
            return try replays.read(names, at: point) { snapshot in try body(ViewSnapshotAccess(snapshot: snapshot)) }
        }
        if let min = try request.queryUInt("minPosition"), min > 0 {
            if try engine.checkpoint() < min {
                let head = try store.head().position
                // Beyond the head: bad input on the primary; a replica's log may still receive it.
                guard min <= head || readOnlyPrimary != nil else {
                    throw Problem.field("minPosition", "is beyond the log's head (\(head))")
                }
                if !(await engine.waitFor(position: min, timeout: .seconds(2))) {
                    var p = Problem(.serviceUnavailable, "the views have not reached position \(min) yet; retry shortly")
                    p.headers[.retryAfter] = "1"
                    throw p
                }
            }
        }
        return try engine.read { snapshot in try body(ViewSnapshotAccess(snapshot: snapshot)) }
    }
}

/// The views of one consistent read, by name.
struct ViewSnapshotAccess {
    let snapshot: ViewSnapshot
    func view(_ name: String) throws -> ViewReader { try snapshot.view(name) }
    func view(_ name: ViewName) throws -> ViewReader { try snapshot.view(name) }
}
