/// Adjustments waiting for a second officer's approval (four eyes), as `AidQueries.pendingAdjustments`
/// returns them from the `aid.stock` view (`pending`).
public struct PendingAdjustments: Codable, Sendable, Equatable {
    /// One pending `aid.stock-adjusted`.
    public struct Adjustment: Codable, Sendable, Equatable {
        public var adjustmentId, warehouseId, item, unit, donationId: String
        /// Signed: negative takes stock out once approved.
        public var quantity: Int
        public var reason: String
        /// The key that wrote it: another must approve it.
        public var requestedBy: String?
        /// When it was written (the event's occurredAt) and its position in the log.
        public var adjustedAt: String
        public var position: UInt64
        public var incidentId: String?
        /// True: a write-off of unusable stock.
        public var writeOff: Bool?
    }

    /// Oldest first.
    public var adjustments: [Adjustment]
}
