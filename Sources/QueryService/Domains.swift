import Crypto
import DocumentTracking
import Projections

/// The three domains of the service, wired once.
public final class Domains: @unchecked Sendable {
    public let documents: DocumentTrackingDomain

    init(secret: SymmetricKey) {
        documents = DocumentTrackingDomain(secret: secret)
    }

    var rules: [any DomainRules] { [documents.rules] }
    var projectors: [any Projector] { documents.projectors }
}
