import ArgumentParser
import EventLog
import JSON

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
                """)

        @OptionGroup var store: StoreOptions

        func run() throws {
            let store = try self.store.openStore(mustExist: true)
            defer { store.close() }
            var progress = ProgressBar(label: "verify")
            let report = try store.verify { done, total in progress.update(done, of: total) }
            progress.finish(report.events, of: report.events)
            if report.ok {
                Output.standard.line(
                    JSONObject([
                        ("ok", .bool(true)), ("events", .int(report.events)), ("headHash", .string(report.headHash.description)),
                        ("rootHash", .string((report.rootHash ?? MerkleFrontier().root).description)),
                    ]))
                Output.flush()
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
