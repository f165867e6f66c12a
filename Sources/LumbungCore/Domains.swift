public import AidLogistics
import Crypto
public import DocumentTracking
import DomainKit
public import MarketPrices
import PersonalData
import Projections
import Regions

/// The three domains of the service, wired once.
public final class Domains: @unchecked Sendable {
    public let aid: AidLogisticsDomain
    public let documents: DocumentTrackingDomain
    public let prices: MarketPricesDomain

    init(
        secret: SymmetricKey, vault: Vault, area: ServiceArea = .mataram, adjustmentApprovalAbove: Int? = nil
    ) {
        aid = AidLogisticsDomain(
            area: area, vault: vault, adjustmentApprovalAbove: adjustmentApprovalAbove ?? AidDecider.defaultApprovalAbove)
        documents = DocumentTrackingDomain(secret: secret, vault: vault)
        prices = MarketPricesDomain(area: area)
    }

    var rules: [any DomainRules] { [aid.rules, documents.rules, prices.rules] }
    var projectors: [any Projector] { aid.projectors + documents.projectors + prices.projectors }
}
