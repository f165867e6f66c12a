import Foundation
import Synchronization

/// Paths removed when the test process exits: for directories that outlive the test that made
/// them (a vault's directory, in the harnesses it is given to).
public enum RemovedAtExit {
    private static let paths = Mutex<[String]>([])
    private static let registered: Void = {
        atexit { for path in RemovedAtExit.paths.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) } }
    }()

    /// `path`, removed when the test process exits.
    public static func path(_ path: String) -> String {
        _ = registered
        paths.withLock { $0.append(path) }
        return path
    }
}
