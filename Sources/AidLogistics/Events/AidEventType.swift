public import DomainKit
public import JSON

/// The event types of the aid domain, all under `aid.`.
public enum AidEventType {
    public static let warehouseRegistered = "aid.warehouse-registered"
    public static let donationReceived = "aid.donation-received"
    public static let shipmentDispatched = "aid.shipment-dispatched"
    public static let shipmentReceived = "aid.shipment-received"
    public static let aidDistributed = "aid.aid-distributed"
    public static let stockAdjusted = "aid.stock-adjusted"
    public static let incidentDeclared = "aid.incident-declared"
    public static let impactReported = "aid.impact-reported"
    public static let householdRegistered = "aid.household-registered"
    public static let householdServed = "aid.household-served"
    public static let itemsRequested = "aid.items-requested"
    public static let requestCommitted = "aid.request-committed"
    public static let requestCancelled = "aid.request-cancelled"
    public static let adjustmentApproved = "aid.adjustment-approved"
    public static let itemCataloged = "aid.item-cataloged"
    public static let minimumStockSet = "aid.minimum-stock-set"
    public static let adjustmentRejected = "aid.adjustment-rejected"

    /// Every known type.
    public static let all: Set<String> = [
        warehouseRegistered, donationReceived, shipmentDispatched, shipmentReceived, aidDistributed, stockAdjusted, incidentDeclared,
        impactReported, householdRegistered, householdServed, itemsRequested, requestCommitted, requestCancelled, adjustmentApproved,
        itemCataloged, minimumStockSet, adjustmentRejected,
    ]
    /// The prefix every aid type has.
    public static let prefix = "aid."
}

/// Limits on the text fields and lists of payloads (text in UTF-8 bytes).
public enum AidLimits {
    public static let name = 200
    public static let item = 100
    public static let unit = 30
    public static let kind = 50
    public static let kelurahanCode = 20
    public static let text = 1000
    /// Most lines (items) in one event, and most lots in one line.
    public static let lines = 500
    /// Most lines of a shipment's receipt (one per lot and item).
    public static let receivedLines = lines * 4
}

/// A payload of the aid domain (an event's data, a command's body, or a part of one). A field has
/// the same rule in every aid payload, by its name (`quantity` is a positive integer, `item` 1-100
/// bytes, ...); a payload whose field differs says so in its own `rule(forKey:)`, falling back to
/// `AidFields.rule(forKey:)`.
public protocol AidPayload: Payload {}

extension AidPayload {
    public static func rule(forKey key: String) -> JSONFieldRule? { AidFields.rule(forKey: key) }
}

/// The rules of the aid payloads' fields, by name.
public enum AidFields {
    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch key {
        case "warehouseId", "fromWarehouseId", "toWarehouseId", "donationId", "shipmentId", "distributionId", "incidentId", "requestId",
            "adjustmentId":
            .identifier
        case "name", "vehicle": .text(maxBytes: AidLimits.name)
        // A driver by key or role, never by name (UU PDP minimisation).
        case "driver": .reference(to: "driver", example: "sopir-03")
        case "item": .text(maxBytes: AidLimits.item)
        case "unit": .text(maxBytes: AidLimits.unit)
        case "kelurahanCode", "code": .text(maxBytes: AidLimits.kelurahanCode)
        case "source": .freeText(maxBytes: AidLimits.name)
        case "requestedBy", "approvedBy", "rejectedBy": .text(maxBytes: AidLimits.name)
        case "affectedCodes": .list(max: AidLimits.lines, of: "an array of Kepmendagri codes such as 52.08 or 52.71.05.1005")
        case "reason": .freeText(maxBytes: AidLimits.text)
        case "notes": .freeText(maxBytes: AidLimits.text, allowEmpty: true)
        case "quantity", "households", "people", "baseQuantity": .positiveInteger
        case "minimum": .nonNegativeInteger
        // The last day a lot may be handed out.
        case "expiresOn": .date
        case "receivedAt", "dispatchedAt", "distributedAt", "registeredAt", "adjustedAt", "startedAt", "reportedAt", "neededBy",
            "requestedAt", "committedAt", "cancelledAt", "approvedAt", "catalogedAt", "setAt", "rejectedAt":
            .time
        case "donor": JSONFieldRule(expected: "an object {name, kind}")
        case "items": .list(max: AidLimits.lines, of: "an array of {item, unit, quantity, expiresOn?}")
        case "lines": .list(max: AidLimits.lines, of: "an array of {item, unit, quantity, lots}")
        case "lots": .list(max: AidLimits.lines, of: "an array of {donationId, quantity}")
        default: nil
        }
    }

    /// `kind` of a warehouse: `gudang` or `posko`.
    static let warehouseKind = JSONFieldRule(
        expected: "one of \(WarehouseRegistered.kinds.joined(separator: ", "))",
        checkString: {
            WarehouseRegistered.kinds.contains($0) ? nil : "must be one of \(WarehouseRegistered.kinds.joined(separator: ", "))"
        })

    /// `quantity` of an adjustment: signed.
    static let adjustment = JSONFieldRule.nonZeroInteger("negative takes stock out")

    /// `lines` of a shipment's receipt: may be empty (nothing arrived).
    static let receivedLines = JSONFieldRule.list(
        max: AidLimits.receivedLines, allowEmpty: true, of: "an array of {item, unit, donationId, quantity}; [] if nothing arrived")
}
