/// The area a deployment serves (`--region 52` for Nusa Tenggara Barat, `52.71` for Kota
/// Mataram, the default): every area code an event names must be in the table and in this area.
public struct ServiceArea: Sendable, Hashable, CustomStringConvertible {
    /// Kota Mataram, where Lumbung began.
    public static let defaultCode = "52.71"

    public let root: Region

    /// Kota Mataram (`52.71`), the default; made without reading the national table.
    public static let mataram = ServiceArea(root: Region(code: defaultCode, name: "Kota Mataram", level: .kabupatenKota))

    init(root: Region) { self.root = root }

    /// Why a code was refused: it names no area, or one outside the served area.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public enum Code: String, Sendable { case unknown, outside, wrongLevel = "wrong-level" }
        public let code: Code
        public let description: String
    }

    /// The area `code` (a provinsi or kabupaten/kota; kecamatan too, for a small pilot).
    public init(code: String = ServiceArea.defaultCode) throws(Refusal) {
        guard let region = Regions.region(code) else {
            throw Refusal(code: .unknown, description: "\(code.prefix(20)) is not a Kepmendagri area code (give e.g. 52 or 52.71)")
        }
        guard region.level != .desaKelurahan else {
            throw Refusal(
                code: .wrongLevel, description: "\(region) is a desa/kelurahan; a deployment serves a provinsi, kabupaten/kota or kecamatan"
            )
        }
        root = region
    }

    /// The area `code` names, when it lies in this area (and, when given, is at `level`).
    public func check(_ code: String, level: Region.Level? = nil) throws(Refusal) -> Region {
        guard let region = Regions.region(code) else {
            throw Refusal(code: .unknown, description: "\"\(code.prefix(20))\" is not a Kepmendagri area code")
        }
        guard root.contains(code) else {
            throw Refusal(code: .outside, description: "\(region) is outside the area this service covers, \(root)")
        }
        if let level, region.level != level {
            throw Refusal(code: .wrongLevel, description: "\(region) is a \(region.level.rawValue); a \(level.rawValue) is needed here")
        }
        return region
    }

    /// Nil when `code` is a desa/kelurahan of this area; else why not, in one sentence naming it.
    public func villageRefusal(_ code: String) -> String? {
        do {
            _ = try check(code, level: .desaKelurahan)
            return nil
        } catch {
            switch error.code {
            case .unknown: return "\(code.prefix(20)) is not the Kepmendagri code of a desa/kelurahan (e.g. 52.71.01.1004)"
            case .outside, .wrongLevel: return error.description
            }
        }
    }

    /// Every desa/kelurahan of the area, in code order.
    public var villages: [Region] {
        Regions.all(.desaKelurahan).filter { root.contains($0.code) }
    }

    public var description: String { root.description }
}
