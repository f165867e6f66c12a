import Foundation

/// The regular files under a directory (a data directory, a backup), read whole: for the tests
/// that prove personal data is in no file.
public enum DataDirectoryFiles {
    /// Every regular file under `directory`, with its bytes.
    public static func all(under directory: String) -> [(path: String, bytes: [UInt8])] {
        let fm = FileManager.default
        var out: [(String, [UInt8])] = []
        for case let name as String in fm.enumerator(atPath: directory) ?? FileManager.DirectoryEnumerator() {
            let path = directory + "/" + name
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue, let d = fm.contents(atPath: path) {
                out.append((path, Array(d)))
            }
        }
        return out
    }

    /// The files under `directory` holding `bytes`.
    public static func holding(_ bytes: [UInt8], under directory: String) -> [String] {
        all(under: directory).filter { $0.bytes.firstRange(of: bytes) != nil }.map(\.path)
    }

    /// The files under `directory` holding `text` (UTF-8).
    public static func holding(_ text: String, under directory: String) -> [String] { holding(Array(text.utf8), under: directory) }
}
