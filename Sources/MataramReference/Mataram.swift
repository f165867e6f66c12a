// Generated from Fixtures/mataram/kelurahan.csv (cahyadsn/wilayah, MIT; see Fixtures/ATTRIBUTION.md).
// A test checks that this table and the CSV agree.

/// A kecamatan (district) of Kota Mataram.
public struct Kecamatan: Sendable, Hashable, Codable {
    /// Kepmendagri code, e.g. `52.71.01`.
    public let code: String
    public let name: String
}

/// A kelurahan (urban village) of Kota Mataram.
public struct Kelurahan: Sendable, Hashable, Codable {
    /// Kepmendagri code, e.g. `52.71.01.1004`.
    public let code: String
    public let name: String
    public let kecamatan: Kecamatan
}

/// The reference data of Kota Mataram that every domain shares.
public enum Mataram {
    /// The 6 kecamatan, by code.
    public static let kecamatan: [Kecamatan] = [
        Kecamatan(code: "52.71.01", name: "Ampenan"),
        Kecamatan(code: "52.71.02", name: "Mataram"),
        Kecamatan(code: "52.71.03", name: "Cakranegara"),
        Kecamatan(code: "52.71.04", name: "Sekarbela"),
        Kecamatan(code: "52.71.05", name: "Selaparang"),
        Kecamatan(code: "52.71.06", name: "Sandubaya"),
    ]

    /// The 50 kelurahan, in code order.
    public static let kelurahan: [Kelurahan] = [
        Kelurahan(code: "52.71.01.1004", name: "Ampenan Selatan", kecamatan: Kecamatan(code: "52.71.01", name: "Ampenan")),
        Kelurahan(code: "52.71.01.1005", name: "Ampenan Tengah", kecamatan: Kecamatan(code: "52.71.01", name: "Ampenan")),
        Kelurahan(code: "52.71.01.1006", name: "Pejeruk", kecamatan: Kecamatan(code: "52.71.01", name: "Ampenan")),
        Kelurahan(code: "52.71.01.1007", name: "Ampenan Utara", kecamatan: Kecamatan(code: "52.71.01", name: "Ampenan")),
        Kelurahan(code: "52.71.01.1008", name: "Taman Sari", kecamatan: Kecamatan(code: "52.71.01", name: "Ampenan")),
        Kelurahan(code: "52.71.01.1009", name: "Banjar", kecamatan: Kecamatan(code: "52.71.01", name: "Ampenan")),
        Kelurahan(code: "52.71.01.1010", name: "Kebun Sari", kecamatan: Kecamatan(code: "52.71.01", name: "Ampenan")),
        Kelurahan(code: "52.71.01.1011", name: "Pejarakan Karya", kecamatan: Kecamatan(code: "52.71.01", name: "Ampenan")),
        Kelurahan(code: "52.71.01.1012", name: "Dayan Peken", kecamatan: Kecamatan(code: "52.71.01", name: "Ampenan")),
        Kelurahan(code: "52.71.01.1013", name: "Bintaro", kecamatan: Kecamatan(code: "52.71.01", name: "Ampenan")),
        Kelurahan(code: "52.71.02.1001", name: "Pagesangan", kecamatan: Kecamatan(code: "52.71.02", name: "Mataram")),
        Kelurahan(code: "52.71.02.1002", name: "Mataram Timur", kecamatan: Kecamatan(code: "52.71.02", name: "Mataram")),
        Kelurahan(code: "52.71.02.1008", name: "Pagutan", kecamatan: Kecamatan(code: "52.71.02", name: "Mataram")),
        Kelurahan(code: "52.71.02.1009", name: "Pagesangan Barat", kecamatan: Kecamatan(code: "52.71.02", name: "Mataram")),
        Kelurahan(code: "52.71.02.1010", name: "Pagesangan Timur", kecamatan: Kecamatan(code: "52.71.02", name: "Mataram")),
        Kelurahan(code: "52.71.02.1011", name: "Pejanggik", kecamatan: Kecamatan(code: "52.71.02", name: "Mataram")),
        Kelurahan(code: "52.71.02.1012", name: "Punia", kecamatan: Kecamatan(code: "52.71.02", name: "Mataram")),
        Kelurahan(code: "52.71.02.1013", name: "Pagutan Timur", kecamatan: Kecamatan(code: "52.71.02", name: "Mataram")),
        Kelurahan(code: "52.71.02.1014", name: "Pagutan Barat", kecamatan: Kecamatan(code: "52.71.02", name: "Mataram")),
        Kelurahan(code: "52.71.03.1004", name: "Cakranegara Selatan", kecamatan: Kecamatan(code: "52.71.03", name: "Cakranegara")),
        Kelurahan(code: "52.71.03.1005", name: "Cakranegara Barat", kecamatan: Kecamatan(code: "52.71.03", name: "Cakranegara")),
        Kelurahan(code: "52.71.03.1006", name: "Cakranegara Timur", kecamatan: Kecamatan(code: "52.71.03", name: "Cakranegara")),
        Kelurahan(code: "52.71.03.1007", name: "Cakranegara Utara", kecamatan: Kecamatan(code: "52.71.03", name: "Cakranegara")),
        Kelurahan(code: "52.71.03.1009", name: "Sayang-sayang", kecamatan: Kecamatan(code: "52.71.03", name: "Cakranegara")),
        Kelurahan(code: "52.71.03.1010", name: "Cakranegara Selatan Baru", kecamatan: Kecamatan(code: "52.71.03", name: "Cakranegara")),
        Kelurahan(code: "52.71.03.1011", name: "Sapta Marga", kecamatan: Kecamatan(code: "52.71.03", name: "Cakranegara")),
        Kelurahan(code: "52.71.03.1012", name: "Cilinaya", kecamatan: Kecamatan(code: "52.71.03", name: "Cakranegara")),
        Kelurahan(code: "52.71.03.1013", name: "Mayura", kecamatan: Kecamatan(code: "52.71.03", name: "Cakranegara")),
        Kelurahan(code: "52.71.03.1014", name: "Karang Taliwang", kecamatan: Kecamatan(code: "52.71.03", name: "Cakranegara")),
        Kelurahan(code: "52.71.04.1001", name: "Karang Pule", kecamatan: Kecamatan(code: "52.71.04", name: "Sekarbela")),
        Kelurahan(code: "52.71.04.1002", name: "Tanjung Karang", kecamatan: Kecamatan(code: "52.71.04", name: "Sekarbela")),
        Kelurahan(code: "52.71.04.1003", name: "Jempong Baru", kecamatan: Kecamatan(code: "52.71.04", name: "Sekarbela")),
        Kelurahan(code: "52.71.04.1004", name: "Tanjung Karang Permai", kecamatan: Kecamatan(code: "52.71.04", name: "Sekarbela")),
        Kelurahan(code: "52.71.04.1005", name: "Kekalik Jaya", kecamatan: Kecamatan(code: "52.71.04", name: "Sekarbela")),
        Kelurahan(code: "52.71.05.1001", name: "Mataram Barat", kecamatan: Kecamatan(code: "52.71.05", name: "Selaparang")),
        Kelurahan(code: "52.71.05.1002", name: "Dasan Agung", kecamatan: Kecamatan(code: "52.71.05", name: "Selaparang")),
        Kelurahan(code: "52.71.05.1003", name: "Monjok", kecamatan: Kecamatan(code: "52.71.05", name: "Selaparang")),
        Kelurahan(code: "52.71.05.1004", name: "Karang Baru", kecamatan: Kecamatan(code: "52.71.05", name: "Selaparang")),
        Kelurahan(code: "52.71.05.1005", name: "Rembiga", kecamatan: Kecamatan(code: "52.71.05", name: "Selaparang")),
        Kelurahan(code: "52.71.05.1006", name: "Gomong", kecamatan: Kecamatan(code: "52.71.05", name: "Selaparang")),
        Kelurahan(code: "52.71.05.1007", name: "Dasan Agung Baru", kecamatan: Kecamatan(code: "52.71.05", name: "Selaparang")),
        Kelurahan(code: "52.71.05.1008", name: "Monjok Timur", kecamatan: Kecamatan(code: "52.71.05", name: "Selaparang")),
        Kelurahan(code: "52.71.05.1009", name: "Monjok Barat", kecamatan: Kecamatan(code: "52.71.05", name: "Selaparang")),
        Kelurahan(code: "52.71.06.1001", name: "Dasan Cermen", kecamatan: Kecamatan(code: "52.71.06", name: "Sandubaya")),
        Kelurahan(code: "52.71.06.1002", name: "Babakan", kecamatan: Kecamatan(code: "52.71.06", name: "Sandubaya")),
        Kelurahan(code: "52.71.06.1003", name: "Bertais", kecamatan: Kecamatan(code: "52.71.06", name: "Sandubaya")),
        Kelurahan(code: "52.71.06.1004", name: "Selagalas", kecamatan: Kecamatan(code: "52.71.06", name: "Sandubaya")),
        Kelurahan(code: "52.71.06.1005", name: "Abian Tubuh Baru", kecamatan: Kecamatan(code: "52.71.06", name: "Sandubaya")),
        Kelurahan(code: "52.71.06.1006", name: "Turida", kecamatan: Kecamatan(code: "52.71.06", name: "Sandubaya")),
        Kelurahan(code: "52.71.06.1007", name: "Mandalika", kecamatan: Kecamatan(code: "52.71.06", name: "Sandubaya")),
    ]

    /// Kelurahan by code.
    public static let kelurahanByCode: [String: Kelurahan] = Dictionary(uniqueKeysWithValues: kelurahan.map { ($0.code, $0) })

    /// The kelurahan with this code, if it is one of Mataram's.
    public static func kelurahan(code: String) -> Kelurahan? { kelurahanByCode[code] }

    /// Kota Mataram's Kepmendagri code.
    public static let code = "52.71"

    /// Population of Kota Mataram (cahyadsn/wilayah).
    public static let population = 461_936
}
