/// A service point where residents apply for civil-registry documents.
///
/// The table is `Fixtures/documents/offices.csv`; `Office.all` embeds the same rows (a test
/// checks they agree). Events name an office by its `id`.
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
        self.id = id
        self.name = name
        self.shortName = shortName
        self.kind = kind
        self.kecamatanCode = kecamatanCode
    }

    /// Every office, in the order of `offices.csv`.
    public static let all: [Office] = [
        Office(
            id: "dukcapil-mataram", name: "Dinas Kependudukan dan Pencatatan Sipil Kota Mataram",
            shortName: "Dukcapil Kota Mataram", kind: "dinas", kecamatanCode: nil),
        Office(
            id: "mpp-mataram", name: "Mal Pelayanan Publik Kota Mataram", shortName: "MPP Kota Mataram", kind: "mpp",
            kecamatanCode: nil),
        Office(
            id: "kec-ampenan", name: "Kantor Kecamatan Ampenan", shortName: "Kecamatan Ampenan", kind: "kecamatan",
            kecamatanCode: "52.71.01"),
        Office(
            id: "kec-mataram", name: "Kantor Kecamatan Mataram", shortName: "Kecamatan Mataram", kind: "kecamatan",
            kecamatanCode: "52.71.02"),
        Office(
            id: "kec-cakranegara", name: "Kantor Kecamatan Cakranegara", shortName: "Kecamatan Cakranegara",
            kind: "kecamatan", kecamatanCode: "52.71.03"),
        Office(
            id: "kec-sekarbela", name: "Kantor Kecamatan Sekarbela", shortName: "Kecamatan Sekarbela", kind: "kecamatan",
            kecamatanCode: "52.71.04"),
        Office(
            id: "kec-selaparang", name: "Kantor Kecamatan Selaparang", shortName: "Kecamatan Selaparang",
            kind: "kecamatan", kecamatanCode: "52.71.05"),
        Office(
            id: "kec-sandubaya", name: "Kantor Kecamatan Sandubaya", shortName: "Kecamatan Sandubaya",
            kind: "kecamatan", kecamatanCode: "52.71.06"),
    ]

    /// Offices by id.
    public static let byID: [String: Office] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    /// The office with this id, if there is one.
    public static func named(_ id: String) -> Office? { byID[id] }

    /// The ids, for error messages.
    static let allowedList = all.map(\.id).joined(separator: ", ")
}
