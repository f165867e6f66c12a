public import ArgumentParser
public import Logging
public import QueryService

/// The log options of the long-running commands (`serve`, `demo`): the format of stderr's lines
/// and the lowest level written.
struct LogOptions: ParsableArguments {
    @Option(
        name: .customLong("log-format"),
        help: ArgumentHelp("Log lines on stderr: text, or json (one JSON object per line).", valueName: "FORMAT"))
    var format: LogFormat = .text

    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp("The lowest level logged: trace, debug, info, notice, warning, error or critical.", valueName: "LEVEL"))
    var level: Logger.Level = .info

    /// Sets the process's log handler (once per process) and returns the service's logger.
    func bootstrap() -> Logger {
        LoggingSystem.bootstrap(format: format, level: level)
        var logger = Logger(label: "lumbung")
        logger.logLevel = level
        return logger
    }
}

extension LogFormat: ExpressibleByArgument {}

extension Logger.Level: @retroactive ExpressibleByArgument {}
