public import EventLog
import Foundation
public import Regions

/// The area a data directory serves (`--region`), kept in `<data dir>/region` so that every
/// process writing to it (`serve`, `append`, `import`, `seed`) checks codes against the same area.
/// Absent: Kota Mataram (`52.71`), where Lumbung began.
public enum ServiceAreaFile {
    public static let fileName = "region"

    /// The directory's area. `requested` (a `--region` given now) is written when the directory has
    /// none yet; one that differs from the area written is refused, naming both: a deployment's
    /// area is chosen once.
    public static func load(dataDirectory: String, requested: String?) throws(EventLogError) -> ServiceArea {
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        let written = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let written {
            if let requested, requested != written {
                throw EventLogError(
                    .invalidInput,
                    "region: \(dataDirectory) serves \(written) (its file \(fileName)); it cannot be opened for \(requested.prefix(20))",
                    field: "region")
            }
            return try area(written, source: path)
        }
        guard let requested else { return .mataram }
        let area = try area(requested, source: "--region")
        do {
            try Data((requested + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw EventLogError(.storage, "region: cannot write \(path): \(error)")
        }
        return area
    }

    static func area(_ code: String, source: String) throws(EventLogError) -> ServiceArea {
        if code == ServiceArea.defaultCode { return .mataram }
        do {
            return try ServiceArea(code: code)
        } catch {
            throw EventLogError(.invalidInput, "region: \(source): \(error.description)", field: "region")
        }
    }
}
