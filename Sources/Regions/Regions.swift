import CSV

/// The administrative areas of Indonesia by their Kepmendagri code (Kepmendagri No
/// 300.2.2-2138 Tahun 2025: 38 provinsi, 514 kabupaten/kota, 7,285 kecamatan, 83,762
/// desa/kelurahan), and the population of each provinsi and kabupaten/kota.
///
/// The tables are `wilayah.csv` and `penduduk.csv` of this module (cahyadsn/wilayah, MIT; see
/// Fixtures/ATTRIBUTION.md), embedded in the binary at build time and read once, on first use.
/// A code has 2 (provinsi), 5 (kabupaten/kota, `52.71`), 8 (kecamatan, `52.71.01`) or 13
/// characters (desa/kelurahan, `52.71.01.1004`); each level's code begins with its parent's.
public enum Regions {
    /// The area with `code`, nil when the table has none.
    public static func region(_ code: String) -> Region? { table.regions[code] }

    /// The areas directly below `code` (a provinsi's kabupaten/kota, ...), in code order.
    public static func children(of code: String) -> [Region] {
        (table.children[code] ?? []).compactMap { table.regions[$0] }
    }

    /// How many areas the table holds (91,599).
    public static var count: Int { table.regions.count }

    /// Every area of `level`, in code order.
    public static func all(_ level: Region.Level) -> [Region] {
        table.regions.values.filter { $0.level == level }.sorted { $0.code < $1.code }
    }

    /// The population of a provinsi or kabupaten/kota (`"0"` for Indonesia), nil for other codes.
    public static func population(_ code: String) -> Population? { table.population[code] }

    /// The tables, read from the embedded files on first use.
    static let table = Table(wilayah: EmbeddedFiles.wilayahCsv, penduduk: EmbeddedFiles.pendudukCsv)

    struct Table: Sendable {
        var regions: [String: Region] = [:]
        var children: [String: [String]] = [:]
        var population: [String: Population] = [:]

        init(wilayah: String, penduduk: String) {
            regions.reserveCapacity(92_000)
            for row in Self.rows(wilayah) {
                guard row.count == 3, let level = Region.Level(rawValue: row[2]) else { continue }
                let region = Region(code: row[0], name: row[1], level: level)
                regions[region.code] = region
                if let parent = region.parentCode { children[parent, default: []].append(region.code) }
            }
            for row in Self.rows(penduduk) {
                guard row.count == 5, let male = Int(row[2]), let female = Int(row[3]), let total = Int(row[4]) else { continue }
                population[row[0]] = Population(male: male, female: female, total: total)
            }
        }

        /// The rows after the header. The files are part of the build: a malformed one is a
        /// build mistake, which the module's tests catch (every row is read).
        static func rows(_ text: String) -> [[String]] {
            guard let reader = try? CSVReader(string: text, hasHeaderRow: true) else { return [] }
            var out: [[String]] = []
            while let row = reader.next() { out.append(row) }
            return out
        }
    }
}

/// One administrative area.
public struct Region: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Level: String, Sendable, Codable, CaseIterable, Comparable {
        case provinsi
        case kabupatenKota = "kabupaten-kota"
        case kecamatan
        case desaKelurahan = "desa-kelurahan"

        /// The characters of a code at this level.
        public var codeLength: Int {
            switch self {
            case .provinsi: 2
            case .kabupatenKota: 5
            case .kecamatan: 8
            case .desaKelurahan: 13
            }
        }

        public static func < (a: Level, b: Level) -> Bool { a.codeLength < b.codeLength }
    }

    /// `52.71.01.1004`.
    public let code: String
    /// As the decree writes it: `Kota Mataram`, `Ampenan Selatan`.
    public let name: String
    public let level: Level

    /// The code of the area it lies in (nil for a provinsi).
    public var parentCode: String? {
        guard level != .provinsi else { return nil }
        let parentLength = Level.allCases.last { $0 < level }!.codeLength
        return String(code.prefix(parentLength))
    }

    /// The areas it lies in, the provinsi first.
    public var ancestors: [Region] {
        var out: [Region] = []
        var next = parentCode
        while let code = next, let region = Regions.region(code) {
            out.insert(region, at: 0)
            next = region.parentCode
        }
        return out
    }

    /// Whether `code` is this area or lies in it.
    public func contains(_ code: String) -> Bool { code == self.code || code.hasPrefix(self.code + ".") }

    public var description: String { "\(name) (\(code))" }
}

/// People in an area (the source's count).
public struct Population: Sendable, Hashable, Codable {
    public let male: Int
    public let female: Int
    public let total: Int
}
