import ArgumentParser
import DomainKit
import EventLog
import JSON
import LumbungCore

extension Lumbung {
    /// `lumbung verify`: recompute the hash chain and the Merkle tree and name the first bad position.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain and the Merkle tree from the first event; exit 1 naming the first bad position.",
            discussion: """
                Checks every event's hash and prevHash link, the positions, stream versions and head, and \
                the Merkle tree (RFC 6962): every stored node and the tree's right edge against the ones \
                recomputed from the events. Prints {"ok":true,"events","headHash","rootHash"} (rootHash: \
                the root of the tree of every event, what `audit digest` signs) or \
                {"ok":false,"position","reason"}. A log made before the tree existed gets its tree built \
                when it is opened (with a progress bar), then checked.

                With --decisions it also replays every event through the domains' rules into a \
                scratch copy of their decision state (undone afterwards) and compares it, key by key, \
                with the state kept beside the log: "decisionState":{"ok","keys","differing","statePosition"}; \
                ok is false (and the exit status 1) when a key differs or the state is behind the head.
                """)

        @OptionGroup var store: StoreOptions
        @Flag(help: "Also compare the rules' decision state with a fold of the whole log (replays every event).")
        var decisions = false

        func run() throws {
            let report: VerifyReport
            do {
                let store = try self.store.openStore(mustExist: true)
                defer { store.close() }
                var progress = ProgressBar(label: "verify")
                report = try store.verify { done, total in progress.update(done, of: total) }
                progress.finish(report.events, of: report.events)
            }
            if report.ok {
                var members: [(String, JSONValue)] = [
                    ("ok", .bool(true)), ("events", .int(report.events)), ("headHash", .string(report.headHash.description)),
                    ("rootHash", .string((report.rootHash ?? MerkleFrontier().root).description)),
                ]
                var stateAgrees = true
                if decisions {
                    // The log is closed above: one process opens an LMDB environment once.
                    let services = try store.openServices()
                    defer { services.close() }
                    let audit = try services.rules.audit(services.store)
                    let keys = Set(audit.kept.keys).union(audit.folded.keys)
                    let differing = keys.filter { audit.kept[$0] != audit.folded[$0] }.count
                    stateAgrees = audit.agrees
                    members[0] = ("ok", .bool(stateAgrees))
                    members.append(
                        (
                            "decisionState",
                            .object([
                                ("ok", .bool(audit.agrees)), ("keys", .int(audit.folded.count)), ("differing", .int(differing)),
                                ("statePosition", .int(audit.statePosition)),
                            ])
                        ))
                }
                Output.standard.line(JSONObject(members))
                Output.flush()
                if !stateAgrees {
                    throw CLIError("the rules' decision state kept beside the log is not the fold of the log")
                }
            } else {
                Output.standard.line(
                    JSONObject([
                        ("ok", .bool(false)), ("position", .int(report.position ?? 0)), ("reason", .string(report.reason ?? "")),
                    ]))
                throw CLIError("the log does not verify at position \(report.position ?? 0): \(report.reason ?? "")")
            }
        }
    }
}
