/// The donor summary (the `aid.donors` view), as `AidQueries.donors` and `AidQueries.donor`
/// return it.
public struct DonorReport: Codable, Sendable, Equatable {
    /// One item given by a donor: how much, and how much of it reached households so far.
    public struct Item: Codable, Sendable, Equatable {
        public var item, unit: String
        public var donated, distributed: Int
    }

    /// One donation of a donor.
    public struct Donation: Codable, Sendable, Equatable {
        public var donationId, warehouseId, receivedAt: String
        public var items: [ItemQuantity]
        /// The incident it was given for (absent: before incidents existed).
        public var incidentId: String?
    }

    /// One donor (by name).
    public struct Donor: Codable, Sendable, Equatable {
        public var name: String
        /// As given with the latest donation.
        public var kind: String
        public var donations: Int
        public var firstReceivedAt, lastReceivedAt: String
        public var items: [Item]
        /// Every donation, in log order: only when one donor is asked for (`AidQueries.donor`).
        public var donationList: [Donation]?
    }

    /// Donors by name.
    public var donors: [Donor]
}
