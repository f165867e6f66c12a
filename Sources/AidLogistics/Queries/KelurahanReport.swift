/// Aid per kelurahan (the `aid.kelurahan` view), as `AidQueries.kelurahan` returns it.
///
/// `received` counts what arrived at the posko (relief posts, kind `posko`) located in the
/// kelurahan: shipments received there and donations handed in there directly. `distributed`,
/// `households` and `people` count the distributions recorded for the kelurahan (from any post);
/// households and people are summed over distributions (a household served twice counts twice).
public struct KelurahanReport: Codable, Sendable, Equatable {
    /// One item in one kelurahan.
    public struct Item: Codable, Sendable, Equatable {
        public var item, unit: String
        public var received, distributed: Int
    }

    /// One kelurahan.
    public struct Kelurahan: Codable, Sendable, Equatable {
        public var code, name, kecamatanCode, kecamatanName: String
        /// The posko registered in this kelurahan.
        public var posko: [String]
        public var shipmentsReceived, donationsReceived, distributions, households, people: Int
        /// Per item: received at its posko, distributed to its households.
        public var items: [Item]
    }

    /// Totals over the city.
    public struct Totals: Codable, Sendable, Equatable {
        public var kelurahanServed, shipmentsReceived, donationsReceived, distributions, households, people: Int
        public var items: [Item]
    }

    /// All 50 kelurahan of Kota Mataram in code order, with zeros where nothing happened.
    public var kelurahan: [Kelurahan]
    public var totals: Totals
}
