import DomainKit
public import JSON

/// Who gave a donation. `kind` is free text; the scenario uses `government`, `state-company`,
/// `company`, `ngo`, `community` and `individual`. An individual is shown in public as
/// `Donor.anonymous` unless `publicName` is true (they agreed to be named).
public struct Donor: AidPayload, Hashable {
    public var name, kind: String
    /// Whether an individual donor agreed to be named in public (absent: no).
    public var publicName: Bool?

    /// The name public views show for an individual who did not agree to be named.
    public static let anonymous = "Hamba Allah"

    /// The name public views, pages and exports show: `anonymous` for an `individual` without
    /// `publicName: true`, else `name`.
    public var publicLabel: String { kind == "individual" && publicName != true ? Self.anonymous : name }

    /// As public views keep it: named by `publicLabel`, without `publicName`.
    public var publicForm: Donor { Donor(name: publicLabel, kind: kind) }

    public static func rule(forKey key: String) -> JSONFieldRule? {
        key == "kind" ? .text(maxBytes: AidLimits.kind) : AidFields.rule(forKey: key)
    }
}

/// A quantity of one item in one unit (a donation's line).
public struct ItemQuantity: AidPayload, Hashable {
    public var item, unit: String
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
    public var item, unit: String
    public var quantity: Int
    public var lots: [LotQuantity]
}

/// A line of a shipment's receipt: how much of one lot of one item arrived.
public struct ReceivedLine: AidPayload, Hashable {
    public var item, unit, donationId: String
    /// Positive; a lot that did not arrive at all is left out.
    public var quantity: Int
}
