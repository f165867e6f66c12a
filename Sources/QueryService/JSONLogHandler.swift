import EventLog
import Foundation
public import JSON
public import Logging

/// How a long-running command writes its log lines on stderr.
public enum LogFormat: String, CaseIterable, Sendable {
    /// One human-readable line per event (swift-log's stream handler).
    case text
    /// One JSON object per line (`JSONLogHandler`), for a log collector.
    case json
}

/// A swift-log handler writing each event as one JSON object on one line: `ts` (RFC 3339 UTC),
/// `level`, `label`, `message`, then the handler's, the provider's and the event's metadata as
/// members (the event's win). Members are sorted by name (canonical JSON), strings are escaped,
/// and a line never holds a raw newline, so `jq` reads the stream line by line.
///
/// Contract: the handler writes what it is given; callers never put a token, PIN, personal field
/// or query string in a message or metadata.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    let label: String
    let write: @Sendable ([UInt8]) -> Void

    /// A handler writing its lines to stderr.
    public init(label: String) {
        // One write per line: lines of concurrent requests never interleave.
        self.init(label: label) { line in FileHandle.standardError.write(Data(line)) }
    }

    /// A handler giving each line (with its final newline) to `write`.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil, write: @escaping @Sendable ([UInt8]) -> Void) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        var members: [(key: String, value: JSONValue)] = [
            ("ts", .string(Timestamp.now().description)), ("level", .string(event.level.rawValue)), ("label", .string(label)),
            ("message", .string(event.message.description)),
        ]
        for (key, value) in merged where !["ts", "level", "label", "message"].contains(key) {
            members.append((key, Self.json(value)))
        }
        var line = CanonicalJSON.encode(.object(members))
        line.append(UInt8(ascii: "\n"))
        write(line)
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let s): .string(s)
        case .stringConvertible(let c):
            if let n = c as? any BinaryInteger {
                .number(Double(n))
            } else if let d = c as? Double {
                .number(d)
            } else {
                .string(c.description)
            }
        case .array(let a): .array(a.map(json))
        case .dictionary(let d): .object(d.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) })
        }
    }
}

extension LoggingSystem {
    /// Sets the process's log handler once: `format` lines on stderr at `level` and above.
    public static func bootstrap(format: LogFormat, level: Logger.Level) {
        bootstrap { label in
            var handler: any LogHandler =
                switch format {
                case .json: JSONLogHandler(label: label)
                case .text: StreamLogHandler.standardError(label: label)
                }
            handler.logLevel = level
            return handler
        }
    }
}
