import Foundation

/// A fresh, empty directory under the system's temporary directory, removed when released.
final class TemporaryDirectory {
    let path: String

    init(_ label: String = "lmdb") throws {
        path = (NSTemporaryDirectory() as NSString)
            .appendingPathComponent("lumbung-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A subdirectory, created.
    func subdirectory(_ name: String) throws -> String {
        let sub = (path as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        return sub
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
