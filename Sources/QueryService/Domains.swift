import Crypto
import Projections

/// The three domains of the service, wired once.
public final class Domains: @unchecked Sendable {
    let secret: SymmetricKey

    init(secret: SymmetricKey) {
        self.secret = secret
    }

    var rules: [any DomainRules] { [] }
    var projectors: [any Projector] { [] }
}
