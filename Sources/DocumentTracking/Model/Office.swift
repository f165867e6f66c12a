import DomainKit

/// A service point where residents apply for civil-registry documents.
///
/// The table is `offices.csv` beside this file, embedded in the code at build time (`Office.all`).
/// Events name an office by its `id`.
public struct Office: Sendable, Hashable, Codable {
    /// Stable id used in events and views, e.g. `dukcapil-mataram`.
    public let id: String
    /// Full official name, e.g. `Dinas Kependudukan dan Pencatatan Sipil Kota Mataram`.
    public let name: String
    /// The name residents use, e.g. `Dukcapil Kota Mataram`.
    public let shortName: String
    /// `dinas`, `mpp` (Mal Pelayanan Publik) or `kecamatan`.
    public let kind: String
    /// Kepmendagri code of the kecamatan it serves; nil for city-wide offices.
    public let kecamatanCode: String?

    public init(id: String, name: String, shortName: String, kind: String, kecamatanCode: String?) {
        (self.id, self.name, self.shortName, self.kind, self.kecamatanCode) = (id, name, shortName, kind, kecamatanCode)
    }

    /// Every office, in the order of `offices.csv` (this folder's file, embedded at build time).
    public static let all: [Office] = EmbeddedTable(EmbeddedFiles.officesCsv).rows.map { r in
        Office(id: r["officeId"], name: r["name"], shortName: r["shortName"], kind: r["kind"], kecamatanCode: r.optional("kecamatanCode"))
    }

    /// Offices by id.
    public static let byID: [String: Office] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    /// The office with this id, if there is one.
    public static func named(_ id: String) -> Office? { byID[id] }

    /// The ids, for error messages.
    static let allowedList = all.map(\.id).joined(separator: ", ")
}
