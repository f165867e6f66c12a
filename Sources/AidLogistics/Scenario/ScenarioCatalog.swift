import DomainKit
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
        let item, unit: String
        /// Lot size range of one donation (a multiple of `step`).
        let lot: ClosedRange<Int>
        let step: Int
        /// Ration: `perHouseholds` households share `ration` units per distribution.
        let ration, perHouseholds: Int
        /// Distribution priority (lower first).
        let priority: Int
    }

    /// `items.csv`: the relief items of the scenario.
    static let items: [ItemSpec] = EmbeddedTable(EmbeddedFiles.itemsCsv).rows.map { r in
        ItemSpec(
            item: r["item"], unit: r["unit"], lot: r.int("lot_min")...r.int("lot_max"), step: r.int("step"), ration: r.int("ration"),
            perHouseholds: r.int("per_households"), priority: r.int("priority"))
    }

    static func itemIndex(_ item: String, _ unit: String) -> Int {
        items.firstIndex { $0.item == item && $0.unit == unit } ?? 0
    }

    // MARK: Donors

    /// A donor: who, how often (relative weight), what it gives, how large its lots are, and
    /// where its donations go.
    struct DonorSpec {
        let name, kind: String
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
    static let obat = itemIndex("obat-obatan", "paket")

    /// `donors.csv`: the donors of the scenario; `items` names items as `item (unit)`, separated by
    /// `;`, and `gudang` the preferred warehouse's id (empty: none).
    static let donors: [DonorSpec] = EmbeddedTable(EmbeddedFiles.donorsCsv).rows.map { r in
        DonorSpec(
            name: r["name"], kind: r["kind"], weight: r.double("weight"),
            items: r.list("items").map { key in items.firstIndex { "\($0.item) (\($0.unit))" == key } ?? 0 },
            size: r.double("size"), direct: r.double("direct"),
            gudang: r["gudang"].isEmpty ? nil : warehouses.firstIndex { $0.id == r["gudang"] })
    }

    // MARK: Warehouses

    struct WarehouseSpec {
        let id, name, kelurahanCode: String
        /// Relative share of donations handed in at gudang without a preferred one.
        let share: Double
        /// Shipments per dispatch round at full activity (scale 1).
        let shipmentsPerRound: Double
        let vehicles: [String]
    }

    /// `warehouses.csv`: the city's warehouses (kind `gudang`); `vehicles` separated by `;`. Posko
    /// come after, one per kelurahan.
    static let warehouses: [WarehouseSpec] = EmbeddedTable(EmbeddedFiles.warehousesCsv).rows.map { r in
        WarehouseSpec(
            id: r["id"], name: r["name"], kelurahanCode: r["kelurahan_code"], share: r.double("share"),
            shipmentsPerRound: r.double("shipments_per_round"), vehicles: r.list("vehicles"))
    }

    /// Drivers by role and number, never by name (UU PDP minimisation).
    static let drivers = (1...20).map { "sopir-\($0 < 10 ? "0" : "")\($0)" }

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
        "stock opname: kemasan bocor, dimusnahkan", "stock opname: selisih kurang dari catatan",
    ]

    /// The negative reasons that are write-offs (spoilt goods destroyed), not corrections of the books.
    static let writeOffReasons: Set<String> = Set(negativeReasons.dropLast())

    static let positiveReasons = ["stock opname: selisih lebih dari catatan", "stock opname: salah catat saat penerimaan"]
}
