import ArgumentParser
import Configuration
import Foundation
import SystemPackage

/// Where an option's value came from.
enum ConfigSource: Equatable, CustomStringConvertible {
    case flag
    case environment(variable: String)
    case file(path: String, key: String)
    case defaultValue

    var description: String {
        switch self {
        case .flag: "flag"
        case .environment(let variable): "environment \(variable)"
        case .file(let path, let key): "file \(path) (key \(key))"
        case .defaultValue: "default"
        }
    }
}

/// One option of a command with its effective value and where it came from.
struct ResolvedOption {
    let name: String
    let values: [String]
    let source: ConfigSource
    /// Passwords, tokens and key material: `config show` prints `<redacted>`.
    let isSecret: Bool
}

/// Every option of `serve`, `relay`, `follow` and `privacy sweep` is settable by flag, by environment variable
/// (`LUMBUNG_` and the option's long name in capitals with `_` for `-`: `--ready-max-lag` is
/// `LUMBUNG_READY_MAX_LAG`) or by a JSON config file (`--config FILE`: a member named as the
/// option, `"port": 8081`, or in the command's section, `"serve": {"port": 8081}`, which wins;
/// `privacy sweep`'s section is `"privacy": {"sweep": {...}}`),
/// flag over environment over file. The options come from the command's own declaration
/// (ArgumentParser's description of it), so an option added to one of these commands is
/// configurable without a line here; a secret is one whose name says so (`isSecretName`).
///
/// The values read (through swift-configuration's providers) become arguments appended to the
/// command line, so ArgumentParser checks them as it checks flags; an error it reports about an
/// option that came from the environment or the file names that source (`explain`).
enum ConfigResolution {
    /// The commands configured this way.
    static let commands: [String: any ParsableCommand.Type] = [
        "serve": Lumbung.Serve.self, "relay": Lumbung.Relay.self, "follow": Lumbung.Follow.self,
        "privacy sweep": Lumbung.Privacy.Sweep.self,
    ]

    /// The configured command `arguments` start with (`serve`, or `privacy sweep`), if any.
    static func configured(_ arguments: [String]) -> String? {
        if arguments.count >= 2, commands["\(arguments[0]) \(arguments[1])"] != nil { return "\(arguments[0]) \(arguments[1])" }
        if let first = arguments.first, commands[first] != nil { return first }
        return nil
    }

    static let fileOption = "config"

    /// Whether an option's value is a secret (never printed).
    static func isSecretName(_ name: String) -> Bool {
        ["password", "token", "secret", "key", "creds", "credential", "pin", "seed"].contains { name.contains($0) }
    }

    /// What ArgumentParser's description of a command (`_dumpHelp()`, its tool-info JSON) says
    /// of each argument, as far as configuration needs it.
    struct Argument: Decodable {
        struct Name: Decodable {
            let kind: String
            let name: String
        }
        let kind: String
        let names: [Name]?
        let isRepeating: Bool
        let defaultValue: String?
        var isFlag: Bool { kind == "flag" }
        var longName: String? { names?.first { $0.kind == "long" }?.name }
    }

    private struct ToolInfo: Decodable {
        struct Command: Decodable { let arguments: [Argument]? }
        let command: Command
    }

    /// The options of `command` that have a long name, from its own declaration.
    static func options(of command: any ParsableCommand.Type) throws -> [Argument] {
        let info = try JSONDecoder().decode(ToolInfo.self, from: Data(command._dumpHelp().utf8))
        return (info.command.arguments ?? []).filter { $0.kind != "positional" && $0.longName != nil }
    }

    /// The environment variable of option `name`.
    static func variable(_ name: String) -> String {
        "LUMBUNG_" + name.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
    }

    /// `arguments` (the command's, after its name) completed with what the environment and the
    /// config file set for options the flags did not give, and every option's resolution.
    static func resolve(
        command: String, arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> (arguments: [String], options: [ResolvedOption]) {
        guard let type = commands[command] else { return (arguments, []) }
        let given = Set(
            arguments.compactMap { a -> String? in
                guard a.hasPrefix("--") else { return nil }
                return String(a.dropFirst(2).split(separator: "=", maxSplits: 1).first ?? "")
            })
        let env = ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: environment))
        let filePath = configFile(arguments) ?? environment[variable(fileOption)]
        var file: ConfigReader?
        if let filePath {
            do {
                file = ConfigReader(provider: try await FileProvider<JSONSnapshot>(filePath: FilePath(filePath)))
            } catch {
                throw CLIError("config file \(filePath): \(error)")
            }
        }
        var added: [String] = []
        var resolved: [ResolvedOption] = []
        for argument in try options(of: type) {
            guard let name = argument.longName, name != fileOption, name != "help", name != "version" else { continue }
            let secret = isSecretName(name)
            if given.contains(name) {
                resolved.append(ResolvedOption(name: name, values: values(of: name, in: arguments), source: .flag, isSecret: secret))
                continue
            }
            var found: ([String], ConfigSource)?
            let envKey = ConfigKey(["lumbung", name])
            if let text = env.string(forKey: envKey) {
                found = (
                    argument.isRepeating ? text.split(separator: ",").map(String.init) : [text], .environment(variable: variable(name))
                )
            } else if let file, let filePath {
                // A command of two words has its section inside the first's: {"privacy": {"sweep": {...}}}.
                for key in ["\(command.replacingOccurrences(of: " ", with: ".")).\(name)", name] {
                    if let values = fileValues(file, key: ConfigKey(key.split(separator: ".").map(String.init))) {
                        found = (values, .file(path: filePath, key: key))
                        break
                    }
                }
            }
            guard let (values, source) = found else {
                resolved.append(
                    ResolvedOption(name: name, values: argument.defaultValue.map { [$0] } ?? [], source: .defaultValue, isSecret: secret))
                continue
            }
            if argument.isFlag {
                guard let value = values.first, let on = Bool(value.lowercased()) else {
                    throw CLIError("\(source): \(name) must be true or false (got \(values.joined(separator: ",")))")
                }
                if on { added.append("--\(name)") }
            } else {
                for value in values { added += ["--\(name)", value] }
            }
            resolved.append(ResolvedOption(name: name, values: values, source: source, isSecret: secret))
        }
        return (arguments + added, resolved)
    }

    /// The value of `--config FILE` (or `--config=FILE`) among `arguments`.
    static func configFile(_ arguments: [String]) -> String? {
        values(of: fileOption, in: arguments).last
    }

    static func values(of name: String, in arguments: [String]) -> [String] {
        var out: [String] = []
        for (i, a) in arguments.enumerated() {
            if a == "--\(name)", i + 1 < arguments.count, !arguments[i + 1].hasPrefix("--") {
                out.append(arguments[i + 1])
            } else if a == "--\(name)" {
                out.append("true")
            } else if a.hasPrefix("--\(name)=") {
                out.append(String(a.dropFirst(name.count + 3)))
            }
        }
        return out
    }

    /// A file member as arguments: a string, number or boolean is one; an array is one each.
    static func fileValues(_ reader: ConfigReader, key: ConfigKey) -> [String]? {
        if let s = reader.string(forKey: key) { return [s] }
        if let i = reader.int(forKey: key) { return [String(i)] }
        if let d = reader.double(forKey: key) { return [String(d)] }
        if let b = reader.bool(forKey: key) { return [String(b)] }
        if let a = reader.stringArray(forKey: key) { return a }
        if let a = reader.intArray(forKey: key) { return a.map(String.init) }
        return nil
    }

    /// `message` (ArgumentParser's, about a bad value) naming where the value came from when an
    /// option it names was set by the environment or the file.
    static func explain(_ message: String, _ options: [ResolvedOption]) -> String {
        for option in options where option.source != .flag && option.source != .defaultValue {
            if message.contains("--\(option.name)") { return "\(option.source): \(message)" }
        }
        return message
    }
}
