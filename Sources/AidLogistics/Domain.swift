public import DomainKit
public import EventLog
public import PersonalData
public import Projections
public import Regions

/// The aid logistics domain, bundled for the service: its rules (for the `RuleGuard`), its
/// projectors (for the `ProjectionEngine`), its commands and its part of the scenario.
///
/// ```swift
/// let aid = AidLogisticsDomain()
/// store.appendGuard = RuleGuard(rules: [aid.rules, ...])
/// let engine = try ProjectionEngine(store: store, dataDirectory: dir, projectors: aid.projectors + ...)
/// let decision = try guard.withCurrentState(store) { try aid.handle("receive-donation", body: body, now: .now()) }
/// ```
///
/// Thread safety: `rules` is guarded by the `RuleGuard` it is given to; call `decide`/`handle`
/// only inside that guard's `withCurrentState`.
public final class AidLogisticsDomain: Domain, @unchecked Sendable {
    public typealias Command = AidLogisticsCommand
    public static let name = "aid", eventTypes = AidEventType.all, views = AidViews.all
    public let rules: AidLogisticsRules
    public let projectors: [any Projector] = [
        StockProjector(), KelurahanProjector(), TraceProjector(), DonorsProjector(), IncidentsProjector(), HouseholdsProjector(),
        RequestsProjector(),
    ]

    /// Where individual donors' names are sealed (nil: a name other than `Donor.anonymous` of an
    /// individual is refused by `receive-donation`).
    public let vault: Vault?

    /// The domain serving `area` (`--region`; Kota Mataram by default), sealing individual donors'
    /// names in `vault`; adjustments above `adjustmentApprovalAbove` units wait for a second
    /// officer's approval (`--adjustment-approval-above`).
    public init(area: ServiceArea = .mataram, vault: Vault? = nil, adjustmentApprovalAbove: Int = AidDecider.defaultApprovalAbove) {
        rules = AidLogisticsRules(area: area, approvalAbove: adjustmentApprovalAbove)
        self.vault = vault
    }

    /// Decides `command` on the current state of the rules (inside `RuleGuard.withCurrentState`),
    /// an individual donor's name sealed in `vault`.
    public func decide(_ command: AidLogisticsCommand, now: Timestamp) throws(EventLogError) -> Decision {
        try AidLogisticsCommand.decide(command, rules: rules, now: now, vault: vault)
    }

    /// The domain's part of the 2018 scenario (see `AidScenario`; the seeder calls it without an instance).
    public static func scenario(seed: UInt64, scale: Double) -> [ScenarioEvent] { AidScenario.scenario(seed: seed, scale: scale) }
    /// The scenario with this domain's vault: individual donors' names sealed (`AidScenario`).
    public func scenario(seed: UInt64, scale: Double) -> [ScenarioEvent] {
        AidScenario.scenario(seed: seed, scale: scale, vault: vault, area: rules.area)
    }
}
