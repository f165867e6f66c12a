import ArgumentParser
import Foundation
import JSON

/// `--config FILE` of the configurable commands (`ConfigResolution` reads it before parsing).
struct ConfigFileOption: ParsableArguments {
    @Option(
        name: .customLong("config"),
        help: ArgumentHelp(
            "A JSON file of options (\"port\": 8081, or in a \"serve\"/\"relay\"/\"follow\" or \"privacy\": {\"sweep\"} section); flags and LUMBUNG_* variables win.",
            valueName: "FILE"))
    var file: String?
}

extension Lumbung {
    /// `lumbung config`: the configuration of the long-running commands.
    struct Config: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the effective configuration of serve, relay, follow or privacy sweep.", subcommands: [Show.self])

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print each option of COMMAND with its value and where it came from (flag, environment, file, default).",
                discussion: "One JSON object per option on stdout. Passwords, tokens and key material print as <redacted>.")

            @Argument(
                help: ArgumentHelp("serve, relay, follow or \"privacy sweep\" (one argument).", valueName: "COMMAND"),
                completion: .list(["serve", "relay", "follow", "privacy sweep"]))
            var command = "serve"
            @OptionGroup var config: ConfigFileOption
            @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The command's flags, as it would be run.", valueName: "FLAGS"))
            var flags: [String] = []

            func validate() throws {
                guard ConfigResolution.commands[command] != nil else {
                    throw ValidationError("COMMAND must be serve, relay, follow or \"privacy sweep\"")
                }
            }

            func run() async throws {
                var arguments = flags.filter { $0 != "--" }
                if let file = config.file { arguments += ["--config", file] }
                let (effective, options) = try await ConfigResolution.resolve(command: command, arguments: arguments)
                // The values are checked as the command would check them.
                do {
                    _ = try Lumbung.parseAsRoot(command.split(separator: " ").map(String.init) + effective)
                } catch {
                    throw CLIError(ConfigResolution.explain(Lumbung.message(for: error), options))
                }
                for option in options {
                    let shown: JSONValue =
                        option.isSecret && !option.values.isEmpty
                        ? .string("<redacted>")
                        : option.values.count == 1 ? .string(option.values[0]) : .array(option.values.map(JSONValue.string))
                    Output.standard.line(
                        JSONObject([("key", .string(option.name)), ("value", shown), ("source", .string(option.source.description))]))
                }
                Output.flush()
            }
        }
    }
}
