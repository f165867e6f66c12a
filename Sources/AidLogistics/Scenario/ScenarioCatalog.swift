import MataramReference

/// The fixed facts of the 2018 aid scenario: how hard each kelurahan was hit, the relief items,
/// the donors, the warehouses, vehicles and drivers. Documented in `Fixtures/aid/README.md`;
/// `Fixtures/aid/kelurahan-impact.csv` holds the same weights (a test keeps them equal).
enum ScenarioCatalog {
    // MARK: Impact

    /// How hard each kelurahan was hit, as a relative weight (1 = lightly, 4.5 = hardest).
    ///
    /// The 5 August 2018 M7.0 earthquake's epicentre lay in North Lombok, north-east of the
    /// city, and damage in Kota Mataram grew towards the north and east: the weight is roughly
    /// 1 + how far north + how far east. Selaparang (north: Rembiga, Karang Baru, Dasan Agung) and
    /// Sandubaya (east: Selagalas, Babakan, Turida) are highest, then Cakranegara (east-central)
    /// and the northern coast of Ampenan (Bintaro, Ampenan Utara); Mataram (centre-south) and
    /// Sekarbela (south-west) lowest. The weighting is a plausible model, not survey data.
    static let impactWeights: [String: Double] = [
        // Ampenan
        "52.71.01.1004": 1.5, "52.71.01.1005": 1.8, "52.71.01.1006": 2.0, "52.71.01.1007": 3.0, "52.71.01.1008": 2.2,
        "52.71.01.1009": 1.8, "52.71.01.1010": 2.2, "52.71.01.1011": 2.0, "52.71.01.1012": 1.8, "52.71.01.1013": 3.2,
        // Mataram
        "52.71.02.1001": 1.3, "52.71.02.1002": 1.8, "52.71.02.1008": 1.5, "52.71.02.1009": 1.2, "52.71.02.1010": 1.3,
        "52.71.02.1011": 1.6, "52.71.02.1012": 1.7, "52.71.02.1013": 1.6, "52.71.02.1014": 1.4,
        // Cakranegara
        "52.71.03.1004": 2.2, "52.71.03.1005": 2.4, "52.71.03.1006": 2.8, "52.71.03.1007": 3.2, "52.71.03.1009": 3.5,
        "52.71.03.1010": 2.2, "52.71.03.1011": 2.6, "52.71.03.1012": 2.5, "52.71.03.1013": 2.8, "52.71.03.1014": 2.6,
        // Sekarbela
        "52.71.04.1001": 1.2, "52.71.04.1002": 1.3, "52.71.04.1003": 1.1, "52.71.04.1004": 1.2, "52.71.04.1005": 1.4,
        // Selaparang
        "52.71.05.1001": 2.6, "52.71.05.1002": 3.2, "52.71.05.1003": 3.0, "52.71.05.1004": 3.8, "52.71.05.1005": 4.5,
        "52.71.05.1006": 2.8, "52.71.05.1007": 3.4, "52.71.05.1008": 3.2, "52.71.05.1009": 2.9,
        // Sandubaya
        "52.71.06.1001": 3.6, "52.71.06.1002": 4.0, "52.71.06.1003": 3.4, "52.71.06.1004": 4.2, "52.71.06.1005": 3.3,
        "52.71.06.1006": 3.8, "52.71.06.1007": 3.0,
    ]

    /// People displaced in Kota Mataram on 12 August 2018 (BPBD figure).
    static let displacedTotal = 20_343
    /// Average people per household.
    static let peoplePerHousehold = 3.6

    /// Displaced people per kelurahan on 12 August: `displacedTotal` shared by weight (largest
    /// remainders, so that they add up exactly), in `Mataram.kelurahan` order.
    static let displaced: [Int] = {
        let weights = Mataram.kelurahan.map { impactWeights[$0.code] ?? 1 }
        let total = weights.reduce(0, +)
        let exact = weights.map { Double(displacedTotal) * $0 / total }
        var shares = exact.map { Int($0) }
        let missing = displacedTotal - shares.reduce(0, +)
        let order = exact.indices.sorted { (exact[$0] - Double(shares[$0]), -$0) > (exact[$1] - Double(shares[$1]), -$1) }
        for i in order.prefix(missing) { shares[i] += 1 }
        return shares
    }()

    // MARK: Items

    /// A relief item in its unit: lot sizes of a donation and the ration per household.
    struct ItemSpec {
        let item: String
        let unit: String
        /// Lot size range of one donation (a multiple of `step`).
        let lot: ClosedRange<Int>
        let step: Int
        /// Ration: `perHouseholds` households share `ration` units per distribution.
        let ration: Int
        let perHouseholds: Int
        /// Distribution priority (lower first).
        let priority: Int
    }

    static let items: [ItemSpec] = [
        ItemSpec(item: "beras", unit: "kg", lot: 200...5_000, step: 50, ration: 5, perHouseholds: 1, priority: 0),
        ItemSpec(item: "beras", unit: "karung", lot: 10...200, step: 5, ration: 1, perHouseholds: 5, priority: 1),
        ItemSpec(item: "mi instan", unit: "dus", lot: 20...800, step: 10, ration: 1, perHouseholds: 2, priority: 2),
        ItemSpec(item: "air mineral", unit: "dus", lot: 20...1_000, step: 10, ration: 1, perHouseholds: 2, priority: 3),
        ItemSpec(item: "terpal", unit: "lembar", lot: 20...500, step: 10, ration: 1, perHouseholds: 2, priority: 4),
        ItemSpec(item: "selimut", unit: "lembar", lot: 20...600, step: 10, ration: 1, perHouseholds: 1, priority: 5),
        ItemSpec(item: "tikar", unit: "lembar", lot: 20...400, step: 10, ration: 1, perHouseholds: 2, priority: 6),
        ItemSpec(item: "hygiene kit", unit: "paket", lot: 20...400, step: 10, ration: 1, perHouseholds: 2, priority: 7),
        ItemSpec(item: "minyak goreng", unit: "liter", lot: 20...400, step: 10, ration: 1, perHouseholds: 1, priority: 8),
        ItemSpec(item: "susu UHT", unit: "dus", lot: 10...200, step: 5, ration: 1, perHouseholds: 4, priority: 9),
        ItemSpec(item: "popok bayi", unit: "paket", lot: 10...200, step: 5, ration: 1, perHouseholds: 6, priority: 10),
        ItemSpec(item: "obat-obatan", unit: "paket", lot: 5...100, step: 5, ration: 1, perHouseholds: 25, priority: 11),
        ItemSpec(item: "pakaian layak pakai", unit: "karung", lot: 2...50, step: 1, ration: 1, perHouseholds: 10, priority: 12),
    ]

    static func itemIndex(_ item: String, _ unit: String) -> Int {
        items.firstIndex { $0.item == item && $0.unit == unit } ?? 0
    }

    // MARK: Donors

    /// A donor: who, how often (relative weight), what it gives, how large its lots are, and
    /// where its donations go.
    struct DonorSpec {
        let name: String
        let kind: String
        let weight: Double
        let items: [Int]
        /// Multiplies the lot size range's upper end.
        let size: Double
        /// Probability that a donation is handed in directly at a posko.
        let direct: Double
        /// Preferred warehouse (index into `warehouses`), if any.
        let gudang: Int?
    }

    static let beras = itemIndex("beras", "kg"), berasKarung = itemIndex("beras", "karung"), mi = itemIndex("mi instan", "dus")
    static let air = itemIndex("air mineral", "dus"), terpal = itemIndex("terpal", "lembar"), selimut = itemIndex("selimut", "lembar")
    static let tikar = itemIndex("tikar", "lembar"), hygiene = itemIndex("hygiene kit", "paket")
    static let minyak = itemIndex("minyak goreng", "liter"), susu = itemIndex("susu UHT", "dus")
    static let popok = itemIndex("popok bayi", "paket"), obat = itemIndex("obat-obatan", "paket")
    static let pakaian = itemIndex("pakaian layak pakai", "karung")

    static let donors: [DonorSpec] = [
        DonorSpec(
            name: "Badan Nasional Penanggulangan Bencana (BNPB)", kind: "government", weight: 4,
            items: [terpal, selimut, tikar, hygiene, mi, popok], size: 1.0, direct: 0, gudang: 0),
        DonorSpec(
            name: "Kementerian Sosial RI", kind: "government", weight: 4,
            items: [beras, mi, selimut, tikar, minyak], size: 1.0, direct: 0, gudang: 1),
        DonorSpec(
            name: "BPBD Provinsi Nusa Tenggara Barat", kind: "government", weight: 2,
            items: [terpal, beras, air, selimut], size: 0.6, direct: 0, gudang: 0),
        DonorSpec(
            name: "Dinas Sosial Provinsi Nusa Tenggara Barat", kind: "government", weight: 2,
            items: [beras, mi, selimut, pakaian], size: 0.6, direct: 0, gudang: 1),
        DonorSpec(
            name: "Perum Bulog Divisi Regional NTB", kind: "state-company", weight: 1,
            items: [beras], size: 0.6, direct: 0, gudang: 1),
        DonorSpec(
            name: "Palang Merah Indonesia (PMI) Kota Mataram", kind: "ngo", weight: 3,
            items: [hygiene, selimut, terpal, air, obat], size: 0.5, direct: 0.1, gudang: 2),
        DonorSpec(
            name: "BAZNAS Provinsi NTB", kind: "ngo", weight: 2.5,
            items: [berasKarung, mi, air, susu], size: 0.4, direct: 0.2, gudang: nil),
        DonorSpec(
            name: "Aksi Cepat Tanggap (ACT)", kind: "ngo", weight: 2.5,
            items: [berasKarung, air, mi, popok, terpal], size: 0.4, direct: 0.3, gudang: nil),
        DonorSpec(
            name: "Dompet Dhuafa NTB", kind: "ngo", weight: 1.5,
            items: [berasKarung, mi, hygiene, susu], size: 0.3, direct: 0.3, gudang: nil),
        DonorSpec(
            name: "Rumah Zakat", kind: "ngo", weight: 1.5,
            items: [mi, air, popok, susu], size: 0.3, direct: 0.3, gudang: nil),
        DonorSpec(
            name: "LAZISMU NTB", kind: "ngo", weight: 1.2,
            items: [berasKarung, mi, tikar], size: 0.3, direct: 0.3, gudang: nil),
        DonorSpec(
            name: "NU Care-LAZISNU NTB", kind: "ngo", weight: 1.2,
            items: [berasKarung, mi, pakaian], size: 0.3, direct: 0.3, gudang: nil),
        DonorSpec(
            name: "PT Pertamina (Persero)", kind: "state-company", weight: 1.2,
            items: [beras, mi, air, selimut], size: 0.6, direct: 0, gudang: nil),
        DonorSpec(
            name: "PT Bank Rakyat Indonesia (Persero) Tbk", kind: "state-company", weight: 1,
            items: [berasKarung, mi, air, terpal], size: 0.4, direct: 0.1, gudang: nil),
        DonorSpec(
            name: "PT Bank Negara Indonesia (Persero) Tbk", kind: "state-company", weight: 0.8,
            items: [mi, air, selimut], size: 0.4, direct: 0.1, gudang: nil),
        DonorSpec(
            name: "PT Bank NTB", kind: "state-company", weight: 1,
            items: [berasKarung, mi, minyak], size: 0.3, direct: 0.2, gudang: nil),
        DonorSpec(
            name: "PT Telkom Indonesia (Persero) Tbk", kind: "state-company", weight: 0.8,
            items: [mi, air, tikar], size: 0.3, direct: 0.1, gudang: nil),
        DonorSpec(
            name: "PT PLN (Persero) UIW NTB", kind: "state-company", weight: 0.8,
            items: [berasKarung, air, terpal], size: 0.3, direct: 0.1, gudang: nil),
        DonorSpec(
            name: "PT Indofood Sukses Makmur Tbk", kind: "company", weight: 1.2,
            items: [mi], size: 1.0, direct: 0, gudang: 1),
        DonorSpec(
            name: "PT Tirta Investama (AQUA)", kind: "company", weight: 1.2,
            items: [air], size: 1.0, direct: 0, gudang: 0),
        DonorSpec(
            name: "PT Unilever Indonesia Tbk", kind: "company", weight: 0.8,
            items: [hygiene], size: 0.8, direct: 0, gudang: 2),
        DonorSpec(
            name: "PT Amman Mineral Nusa Tenggara", kind: "company", weight: 1,
            items: [beras, terpal, selimut, air], size: 0.7, direct: 0, gudang: 0),
        DonorSpec(
            name: "PT Sumber Alfaria Trijaya Tbk (Alfamart)", kind: "company", weight: 0.8,
            items: [mi, air, minyak, susu, popok], size: 0.3, direct: 0.2, gudang: nil),
        DonorSpec(
            name: "Himpunan Pengusaha Muda Indonesia (HIPMI) NTB", kind: "community", weight: 0.8,
            items: [berasKarung, mi, air], size: 0.2, direct: 0.5, gudang: nil),
        DonorSpec(
            name: "Keluarga Besar Universitas Mataram", kind: "community", weight: 1,
            items: [mi, air, pakaian, susu], size: 0.15, direct: 0.6, gudang: nil),
        DonorSpec(
            name: "Ikatan Keluarga Sumbawa di Mataram", kind: "community", weight: 0.7,
            items: [berasKarung, pakaian], size: 0.1, direct: 0.7, gudang: nil),
        DonorSpec(
            name: "Paguyuban Warga Bali Cakranegara", kind: "community", weight: 0.7,
            items: [berasKarung, air, tikar], size: 0.1, direct: 0.7, gudang: nil),
        DonorSpec(
            name: "Perhimpunan INTI NTB", kind: "community", weight: 0.7,
            items: [mi, air, selimut], size: 0.2, direct: 0.3, gudang: nil),
        DonorSpec(
            name: "Forum Relawan Lombok Bangkit", kind: "community", weight: 1,
            items: [air, mi, popok, pakaian], size: 0.1, direct: 0.8, gudang: nil),
        DonorSpec(
            name: "Majelis Taklim Al-Hidayah Ampenan", kind: "community", weight: 0.6,
            items: [berasKarung, pakaian], size: 0.08, direct: 0.9, gudang: nil),
        DonorSpec(
            name: "PGRI Kota Mataram", kind: "community", weight: 0.6,
            items: [mi, air, tikar], size: 0.1, direct: 0.5, gudang: nil),
        DonorSpec(
            name: "Hamba Allah", kind: "individual", weight: 1.5,
            items: [berasKarung, mi, air, pakaian], size: 0.05, direct: 0.8, gudang: nil),
    ]

    // MARK: Warehouses

    struct WarehouseSpec {
        let id: String
        let name: String
        let kelurahanCode: String
        /// Relative share of donations handed in at gudang without a preferred one.
        let share: Double
        /// Shipments per dispatch round at full activity (scale 1).
        let shipmentsPerRound: Double
        let vehicles: [String]
    }

    /// The city's warehouses (kind `gudang`). Posko come after, one per kelurahan.
    static let warehouses: [WarehouseSpec] = [
        WarehouseSpec(
            id: "gudang-bpbd-mataram", name: "Gudang BPBD Kota Mataram", kelurahanCode: "52.71.02.1002", share: 0.5,
            shipmentsPerRound: 10,
            vehicles: [
                "Truk BPBD Kota Mataram DR 8011 AM", "Truk BPBD Kota Mataram DR 8014 AM", "Pikap BPBD Kota Mataram DR 8127 AM",
                "Truk Kodim 1606/Lombok Barat", "Truk Polres Mataram",
            ]),
        WarehouseSpec(
            id: "gudang-dinsos-mataram", name: "Gudang Dinas Sosial Kota Mataram", kelurahanCode: "52.71.02.1011", share: 0.35,
            shipmentsPerRound: 7,
            vehicles: [
                "Truk Dinas Sosial Kota Mataram DR 8036 AM", "Pikap Dinas Sosial Kota Mataram DR 9142 AM",
                "Truk Satpol PP Kota Mataram DR 8055 AM", "Pikap Tagana Kota Mataram DR 9308 AB",
            ]),
        WarehouseSpec(
            id: "gudang-pmi-mataram", name: "Gudang PMI Kota Mataram", kelurahanCode: "52.71.03.1012", share: 0.15,
            shipmentsPerRound: 3,
            vehicles: ["Truk PMI Kota Mataram DR 8520 AE", "Pikap PMI Kota Mataram DR 9051 AE"]),
    ]

    static let drivers = [
        "Lalu Muhammad Zaini", "Lalu Ahmad Fauzi", "Baiq Nurul Hidayati", "Muhammad Ihsan", "Zainal Abidin", "Haerul Anwar",
        "I Ketut Sudarma", "I Made Suarta", "Sahnan", "Syamsul Hadi", "Ahmad Juaini", "Hendra Gunawan", "Lalu Sapta Wijaya",
        "Rusdi", "Muhammad Saleh", "Agus Salim", "Mahsun", "Irwan Hadi", "Saparudin", "Abdul Hakim",
    ]

    static let poskoVehicles = ["Pikap Kelurahan", "Motor roda tiga Kelurahan", "Mobil relawan"]

    static let lossNotes = [
        "karung sobek saat bongkar muat", "dus basah terkena hujan di perjalanan", "kurang dari surat jalan, selisih dicatat",
        "rusak tertimpa muatan lain", "hilang saat transit di posko sementara",
    ]

    static let fullNotes = [
        "Diterima lengkap sesuai surat jalan", "Diterima lengkap", "Diterima baik oleh koordinator posko", "",
    ]

    static let negativeReasons = [
        "stock opname: beras berkutu, dimusnahkan", "stock opname: rusak terkena air hujan", "stock opname: kemasan rusak",
        "stock opname: kedaluwarsa", "stock opname: selisih kurang dari catatan",
    ]

    static let positiveReasons = ["stock opname: selisih lebih dari catatan", "stock opname: salah catat saat penerimaan"]
}
