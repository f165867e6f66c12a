import ArgumentParser
import EventLog
import Foundation
import JSON
import LumbungCore
import QueryService

extension Lumbung {
    /// `lumbung backup DEST`: a consistent, compacted, verified copy of the log and the data
    /// directory's secret files (see `DataDirectoryBackup`), safe while the server writes.
    /// Prints `{"ok":true,"events":N,"headHash":...,"destination":...}`; exit 1 otherwise.
    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Back up the log (a consistent, compacted snapshot) and the secret files into DEST, then verify the copy.",
            discussion: """
                Safe while the server keeps writing: the copy is one read transaction, a prefix of the log. \
                DEST must be new or empty. Views are not copied (they rebuild from the log). To restore: stop \
                the server, move DEST into place as the data directory, start it. See docs/backup.md.
                """)

        @OptionGroup var store: StoreOptions
        @Argument(help: ArgumentHelp("Where to put the backup (a new or empty directory).", valueName: "DEST"))
        var destination: String

        func run() throws {
            let store = try self.store.openStore(mustExist: true)
            defer { store.close() }
            let report: DataDirectoryBackup.Report
            do {
                report = try DataDirectoryBackup.run(
                    store: store, dataDirectory: self.store.resolvedDataDirectory, destination: destination)
            } catch let failure as DataDirectoryBackup.Failure {
                throw CLIError("backup failed: \(failure.message)")
            }
            Output.standard.line(
                JSONObject([
                    ("ok", .bool(true)), ("events", .int(report.events)), ("headHash", .string(report.headHash.description)),
                    ("destination", .string(report.destination)),
                ]))
            Output.flush()
            let secrets = report.secretFiles.isEmpty ? "no secret files" : report.secretFiles.joined(separator: ", ")
            Console.message("backed up \(report.events) events (verified) and \(secrets) to \(report.destination)")
        }
    }
}
