import EventLog
import Foundation
import JSON

/// Buffered writing to stdout (or a file), for NDJSON streams of any length.
final class Output: @unchecked Sendable {
    nonisolated(unsafe) static var standard = Output(fd: 1)
    private let fd: Int32
    private var buffer: [UInt8] = []
    private(set) var bytesWritten = 0
    static let capacity = 1 << 20

    init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(Self.capacity + 4096)
    }

    /// Creates `path` (0600: an export holds what the log holds) for writing. It never follows a
    /// symbolic link, and an existing file is refused unless `force` (then it is truncated).
    convenience init(path: String, force: Bool = false) throws {
        var fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd < 0 && errno == EEXIST {
            var info = stat()
            if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK {
                throw CLIError("\(path) is a symbolic link: an export never follows one; name the file itself")
            }
            guard force else { throw CLIError("\(path) exists: give --force to overwrite it") }
            fd = open(path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC)
        }
        guard fd >= 0 else { throw CLIError("cannot write \(path): \(String(cString: strerror(errno)))") }
        self.init(fd: fd)
    }

    /// Appends through `body`, flushing when the buffer is full.
    @inline(__always)
    func write(_ body: (inout [UInt8]) -> Void) {
        body(&buffer)
        if buffer.count >= Self.capacity { flush() }
    }

    func line(_ bytes: [UInt8]) {
        write {
            $0.append(contentsOf: bytes)
            $0.append(0x0A)
        }
    }

    func line(_ object: JSONObject) { line(object.bytes) }

    func flush() {
        var offset = 0
        buffer.withUnsafeBytes { p in
            while offset < p.count {
                let n = Foundation.write(fd, p.baseAddress! + offset, p.count - offset)
                if n <= 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += n
            }
        }
        bytesWritten += offset
        buffer.removeAll(keepingCapacity: true)
    }

    func close() {
        flush()
        if fd > 2 { Foundation.close(fd) }
    }

    static func flush() { standard.flush() }
}

/// A JSON object with its keys in the order given (for readable command output).
struct JSONObject {
    var members: [(String, JSONValue)]

    init(_ members: [(String, JSONValue)]) { self.members = members }

    var bytes: [UInt8] {
        var out: [UInt8] = [0x7B]
        for (i, (k, v)) in members.enumerated() {
            if i > 0 { out.append(0x2C) }
            CanonicalJSON.appendString(k, to: &out)
            out.append(0x3A)
            CanonicalJSON.append(v, to: &out)
        }
        out.append(0x7D)
        return out
    }
}

extension JSONValue {
    static func int<T: BinaryInteger>(_ v: T) -> JSONValue { .number(Double(v)) }
}

/// Messages to stderr.
enum Console {
    static func message(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }
}
