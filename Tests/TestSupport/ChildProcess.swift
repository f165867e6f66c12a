public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child program for the tests, started with `posix_spawn` directly: what the suites used of
/// Foundation's `Process` (executable, arguments, environment, standard streams as a `FileHandle`
/// or a `Pipe`, a termination handler, wait, status), safe to start from many threads at once.
///
/// Foundation's `Process.run` on Linux emulates close-on-exec by listing the parent's open file
/// descriptors and adding one close action per descriptor; with the thousands of LMDB files the
/// parallel suites hold open, and other threads opening and closing them meanwhile, it crashed
/// (a bad pointer in `memcpy` inside `Process.run`, seen in CI and here, 1 run in 4). Here the child
/// closes every descriptor above 2 with one `closefrom` action, whatever the parent holds.
public final class ChildProcess: @unchecked Sendable {
    public enum TerminationReason: Sendable, Equatable {
        case exit
        case uncaughtSignal
    }

    public var executableURL: URL?
    public var arguments: [String] = []
    /// Nil: the test process's environment.
    public var environment: [String: String]?
    /// A `FileHandle` or a `Pipe` (its reading end is the child's stdin); nil: /dev/null.
    public var standardInput: Any?
    /// A `FileHandle` or a `Pipe` (its writing end); nil: /dev/null.
    public var standardOutput: Any?
    public var standardError: Any?
    /// Called once, on a thread of its own, when the child has ended.
    public var terminationHandler: (@Sendable (ChildProcess) -> Void)?

    private let lock = NSCondition()
    private var pid: pid_t = 0
    private var running = false
    private var ended = false
    private var status: Int32 = 0
    private var reason: TerminationReason = .exit

    public init() {}

    public var processIdentifier: Int32 { lock.withLock { pid } }
    public var isRunning: Bool { lock.withLock { running } }
    /// The exit status, or the signal that ended it (`terminationReason`). Only after it ended.
    public var terminationStatus: Int32 {
        lock.withLock {
            precondition(ended, "the child is still running")
            return status
        }
    }
    public var terminationReason: TerminationReason {
        lock.withLock {
            precondition(ended, "the child is still running")
            return reason
        }
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public var path: String
        public var errno: Int32
        public var description: String { "cannot start \(path): \(String(cString: strerror(errno)))" }
    }

    /// Starts the child; throws when it cannot be started (no such program, not executable).
    public func run() throws {
        guard let path = executableURL?.path else { throw SpawnError(path: "(no executable)", errno: ENOENT) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentCloses: [FileHandle] = []
        for (target, stream, reading) in [
            (STDIN_FILENO, standardInput, true), (STDOUT_FILENO, standardOutput, false), (STDERR_FILENO, standardError, false),
        ] {
            switch stream {
            case let pipe as Pipe:
                let end = reading ? pipe.fileHandleForReading : pipe.fileHandleForWriting
                posix_spawn_file_actions_adddup2(&actions, end.fileDescriptor, target)
                parentCloses.append(end)
            case let handle as FileHandle:
                posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, target)
            default:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", reading ? O_RDONLY : O_WRONLY, 0)
            }
        }
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, as Foundation's `Process` did; default signal handling.
        var defaults = sigset_t()
        sigfillset(&defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }

        var spawned: pid_t = 0
        let rc = posix_spawn(&spawned, path, &actions, &attributes, argv, env)
        guard rc == 0 else { throw SpawnError(path: path, errno: rc) }
        let child = spawned
        for handle in parentCloses { try? handle.close() }
        lock.withLock {
            pid = child
            running = true
        }
        let waiter = Thread { [self] in
            var raw: Int32 = 0
            while waitpid(child, &raw, 0) == -1 && errno == EINTR {}
            let signal = raw & 0x7f
            lock.withLock {
                if signal != 0 {
                    (status, reason) = (signal, .uncaughtSignal)
                } else {
                    (status, reason) = ((raw >> 8) & 0xff, .exit)
                }
                running = false
                ended = true
                lock.broadcast()
            }
            terminationHandler?(self)
        }
        waiter.start()
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later; Swift's Glibc module
    /// does not declare it), looked up once.
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    /// Blocks until the child has ended; returns at once when it was never started (`run()`
    /// threw: a harness that waits for it in its `deinit` would otherwise wait forever).
    public func waitUntilExit() {
        lock.withLock {
            while pid != 0 && !ended { lock.wait() }
        }
    }

    /// SIGTERM.
    public func terminate() {
        let p = processIdentifier
        if p > 0, isRunning { kill(p, SIGTERM) }
    }

    /// SIGINT.
    public func interrupt() {
        let p = processIdentifier
        if p > 0, isRunning { kill(p, SIGINT) }
    }
}
