public import ArgumentParser
public import EventLog
import Foundation
import JSON
import LumbungCore
import LumbungVersion
import Regions
import Replication

/// `lumbung`: the event store of Kota Mataram's public services, on the command line.
///
/// Machine output (JSON, NDJSON) goes to stdout; messages and progress to stderr. Exit 0 on
/// success, 1 on failure with a one-line reason on stderr, 64 on a usage error.
@main
struct Lumbung: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lumbung",
        abstract: "An event store in LMDB for Kota Mataram's public services.",
        version: LumbungVersion.current,
        subcommands: [
            Serve.self, Demo.self, Seed.self, Append.self, Read.self, Export.self, Import.self, Verify.self, Stats.self,
            Replay.self, Projections.self, Keys.self, Backup.self, Audit.self, Relay.self, Follow.self, Privacy.self, Notifications.self,
            Config.self,
        ]
    )

    static func main() async {
        // Without TZ, glibc stats /etc/localtime on every local time it formats (each access-log
        // line of the server); naming the same file reads it once.
        setenv("TZ", ":/etc/localtime", 0)
        // serve, relay, follow and privacy sweep: options the flags did not give, from LUMBUNG_* and --config.
        var arguments = Array(CommandLine.arguments.dropFirst())
        var resolved: [ResolvedOption] = []
        if let name = ConfigResolution.configured(arguments) {
            let words = name.split(separator: " ").map(String.init)
            do {
                let r = try await ConfigResolution.resolve(command: name, arguments: Array(arguments.dropFirst(words.count)))
                arguments = words + r.arguments
                resolved = r.options
            } catch let error as CLIError {
                fail(error.message)
            } catch {
                fail(String(describing: error))
            }
        }
        do {
            var command: any ParsableCommand
            do {
                command = try parseAsRoot(arguments)
            } catch  where !resolved.isEmpty && exitCode(for: error) == .validationFailure {
                Output.flush()
                FileHandle.standardError.write(Data("lumbung: \(ConfigResolution.explain(message(for: error), resolved))\n".utf8))
                Foundation.exit(ExitCode.validationFailure.rawValue)
            }
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as EventLogError {
            fail(error.message)
        } catch let error as CLIError {
            fail(error.message)
        } catch let error as JSONError {
            fail(error.description)
        } catch let error as ReplicationError {
            fail(error.message)
        } catch let error as SecretKeyFile.Refusal {
            fail(error.message)
        } catch {
            exit(withError: error)
        }
    }

    static func fail(_ message: String) -> Never {
        Output.flush()
        FileHandle.standardError.write(Data("lumbung: \(message)\n".utf8))
        Foundation.exit(1)
    }
}

/// A failure of the command line itself (a file that cannot be read, a bad line in a file).
struct CLIError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Options every subcommand takes.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp("Data directory (default: $LUMBUNG_DATA_DIR, else ./lumbung-data).", valueName: "DIR"))
    var dataDirectory: String?
    @Option(
        name: .customLong("region"),
        help: ArgumentHelp(
            "The area a new data directory serves, a Kepmendagri code (52 for NTB; default 52.71, Kota Mataram); kept in the directory.",
            valueName: "CODE"))
    var region: String?
    @Option(
        name: .customLong("adjustment-approval-above"),
        help: ArgumentHelp(
            "Stock adjustments larger than this (units, either sign) wait for a second officer's approval (default 100).",
            valueName: "N"))
    var adjustmentApprovalAbove: Int?

    func validate() throws {
        if let n = adjustmentApprovalAbove, n < 0 {
            throw ValidationError("--adjustment-approval-above: must be 0 or more")
        }
        if let region {
            do {
                _ = try ServiceArea(code: region)
            } catch {
                throw ValidationError("--region: \(error.description)")
            }
        }
    }

    var resolvedDataDirectory: String {
        if let dataDirectory { return dataDirectory }
        if let env = ProcessInfo.processInfo.environment["LUMBUNG_DATA_DIR"], !env.isEmpty { return env }
        return "./lumbung-data"
    }

    /// Opens the log; `mustExist` refuses a data directory without a log (for reading commands).
    func openStore(mustExist: Bool = false) throws -> EventStore {
        if mustExist { try refuseWithoutLog() }
        return try EventStore(dataDirectory: resolvedDataDirectory, options: Self.storeOptions)
    }

    /// Refuses a data directory without a log (a mistyped path is not made anew).
    func refuseWithoutLog() throws {
        let dir = resolvedDataDirectory
        if !FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("log/data.mdb")) {
            throw CLIError("no log in \(dir) (give --data-dir, or set LUMBUNG_DATA_DIR)")
        }
    }

    /// The store's options: a progress bar while the Merkle tree of an older log is built on open.
    static var storeOptions: EventStore.Options {
        var options = EventStore.Options()
        let progress = SharedProgress(ProgressBar(label: "merkle tree"))
        options.treeBuildProgress = { done, total in progress.update(done, of: total) }
        return options
    }

    /// Opens everything on the data directory, with progress bars while the Merkle tree and the
    /// rules' decision state of an older log are built.
    func openServices() throws -> LumbungServices {
        let progress = SharedProgress(ProgressBar(label: "decision state"))
        return try LumbungServices(
            dataDirectory: resolvedDataDirectory, storeOptions: Self.storeOptions,
            stateProgress: { done, total in progress.update(done, of: total) }, region: region,
            adjustmentApprovalAbove: adjustmentApprovalAbove)
    }

    /// Who the CLI acts as (`metadata.actor`): `cli:<user>`.
    static var actor: String {
        let user = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.userName
        return "cli:\(user.isEmpty ? "unknown" : user)"
    }
}

extension Timestamp: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

extension ExpectedVersion: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
