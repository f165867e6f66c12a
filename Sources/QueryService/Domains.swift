import AidLogistics
import Crypto
import DocumentTracking
import Projections

/// The three domains of the service, wired once.
public final class Domains: @unchecked Sendable {
    public let aid: AidLogisticsDomain
    public let documents: DocumentTrackingDomain

    init(secret: SymmetricKey) {
        aid = AidLogisticsDomain()
        documents = DocumentTrackingDomain(secret: secret)
    }

    var rules: [any DomainRules] { [aid.rules, documents.rules] }
    var projectors: [any Projector] { aid.projectors + documents.projectors }
}
