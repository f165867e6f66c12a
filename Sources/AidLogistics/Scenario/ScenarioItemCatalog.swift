import DomainKit

/// The scenario's item catalog (`aid.item-cataloged`, written before anything else, on 29 July
/// 2018 at midnight WITA): every item of `items.csv`, in its category, base unit and packs, and
/// how long its lots keep. Shelf lives are typical of the goods (rice of Bulog's stock about six
/// months, instant noodles eight, UHT milk nine, bottled water eighteen, medicine two years), a
/// plausible model, not the labels of real donations (`Fixtures/aid/README.md`).
///
/// Every item keeps the same number of days from the day it is received, so the expiry dates of an
/// item's lots follow their receipt order: the scenario's first-in-first-out choice of lots is
/// also first-expiry-first-out, as the rules require. The scenario lasts 34 days, far less than any
/// shelf life, so no lot expires within it.
enum ScenarioItemCatalog {
    /// An item: name, category, base unit, packs, and days its lots keep (nil: it does not expire).
    struct Entry {
        let item, name, category, baseUnit: String
        let packs: [PackSize]
        let shelfLifeDays: Int?
    }

    static let entries: [Entry] = [
        Entry(
            item: "beras", name: "Beras medium", category: "pangan", baseUnit: "kg", packs: [PackSize(unit: "karung", baseQuantity: 25)],
            shelfLifeDays: 180),
        Entry(item: "mi instan", name: "Mi instan", category: "pangan", baseUnit: "dus", packs: [], shelfLifeDays: 240),
        Entry(
            item: "air mineral", name: "Air minum dalam kemasan", category: "air-sanitasi", baseUnit: "dus", packs: [], shelfLifeDays: 540),
        Entry(item: "terpal", name: "Terpal", category: "hunian", baseUnit: "lembar", packs: [], shelfLifeDays: nil),
        Entry(item: "selimut", name: "Selimut", category: "sandang", baseUnit: "lembar", packs: [], shelfLifeDays: nil),
        Entry(item: "tikar", name: "Tikar", category: "hunian", baseUnit: "lembar", packs: [], shelfLifeDays: nil),
        Entry(
            item: "hygiene kit", name: "Paket kebersihan (hygiene kit)", category: "kebersihan", baseUnit: "paket", packs: [],
            shelfLifeDays: nil),
        Entry(item: "minyak goreng", name: "Minyak goreng", category: "pangan", baseUnit: "liter", packs: [], shelfLifeDays: 365),
        Entry(item: "susu UHT", name: "Susu UHT", category: "pangan", baseUnit: "dus", packs: [], shelfLifeDays: 270),
        Entry(item: "popok bayi", name: "Popok bayi", category: "kebersihan", baseUnit: "paket", packs: [], shelfLifeDays: nil),
        Entry(
            item: "obat-obatan", name: "Obat-obatan (paket P3K)", category: "kesehatan", baseUnit: "paket", packs: [], shelfLifeDays: 730),
        Entry(
            item: "pakaian layak pakai", name: "Pakaian layak pakai", category: "sandang", baseUnit: "karung", packs: [], shelfLifeDays: nil
        ),
    ]

    static let shelfLife: [String: Int] = Dictionary(
        uniqueKeysWithValues: entries.compactMap { e in e.shelfLifeDays.map { (e.item, $0) } })

    /// The catalog events, `at(i)` giving the time of the i-th.
    static func events(at time: (Int) -> String) -> [AidEvent] {
        entries.enumerated().map { i, e in
            .itemCataloged(
                ItemCataloged(
                    item: e.item, name: e.name, category: e.category, baseUnit: e.baseUnit, packs: e.packs.isEmpty ? nil : e.packs,
                    expires: e.shelfLifeDays != nil, catalogedAt: time(i)))
        }
    }

    /// `event` with an expiry date on each of a donation's items that expire: the day it was
    /// received (WITA) plus the item's shelf life. Other events are returned as they are.
    static func dated(_ event: AidEvent) -> AidEvent {
        guard case .donationReceived(var d) = event, let received = AidDecider.day(of: d.receivedAt) else { return event }
        for i in d.items.indices where d.items[i].expiresOn == nil {
            if let days = shelfLife[d.items[i].item] { d.items[i].expiresOn = received.adding(days: days).description }
        }
        return .donationReceived(d)
    }
}
