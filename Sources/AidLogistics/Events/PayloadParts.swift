import DomainKit
public import JSON

/// Who gave a donation. `kind` is free text; the scenario uses `government`, `state-company`,
/// `company`, `ngo`, `community` and `individual`.
public struct Donor: AidPayload, Hashable {
    public var name: String
    public var kind: String

    public static func rule(forKey key: String) -> JSONFieldRule? {
        key == "kind" ? .text(maxBytes: AidLimits.kind) : AidFields.rule(forKey: key)
    }
}

/// A quantity of one item in one unit (a donation's line).
public struct ItemQuantity: AidPayload, Hashable {
    public var item: String
    public var unit: String
    /// Positive.
    public var quantity: Int
}

/// How much of a line comes from one lot (a lot is a donation: `donationId`).
public struct LotQuantity: AidPayload, Hashable {
    public var donationId: String
    /// Positive.
    public var quantity: Int
}

/// A line of a shipment or a distribution: an item, a quantity, and the lots it is taken from
/// (their quantities sum to `quantity`).
public struct LotLine: AidPayload, Hashable {
    public var item: String
    public var unit: String
    public var quantity: Int
    public var lots: [LotQuantity]
}

/// A line of a shipment's receipt: how much of one lot of one item arrived.
public struct ReceivedLine: AidPayload, Hashable {
    public var item: String
    public var unit: String
    public var donationId: String
    /// Positive; a lot that did not arrive at all is left out.
    public var quantity: Int
}
