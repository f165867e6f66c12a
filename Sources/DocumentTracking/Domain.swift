public import Crypto
public import DomainKit
public import EventLog
public import JSON
public import PersonalData
public import Projections

/// Document tracking ("cek resi") wired in one line: its rules, its projectors, its commands and
/// its public lookup, all bound to the server's secret.
///
/// The secret (a `SymmetricKey`, kept by the service in its data directory, never in the log)
/// keys the hashes of NIKs and PINs (`DocumentSecrets`): the same data directory must always be
/// opened with the same secret, or no PIN will match.
public final class DocumentTrackingDomain: Domain {
    /// The rules to give the `RuleGuard` of the store.
    public let rules: DocumentTrackingRules
    /// `documents.applications`, `documents.queue`, `documents.processing`, `documents.notifications`.
    public let projectors: [any Projector]
    /// The SLA the queries judge against by default.
    public let sla: SLATable
    let secret: SymmetricKey
    /// Where personal fields are sealed (nil: only the NIK's keyed hash, and no other personal field).
    public let vault: Vault?
    let preparedKey: DocumentSecrets.PreparedKey

    public static let name = "documents"
    public static let eventTypes = DocumentEvents.all
    public static let views = DocumentViews.all

    /// The views (`DocumentViews`), under the names the service's readers use.
    public static let applicationsView = DocumentViews.applications
    public static let queueView = DocumentViews.queue
    public static let processingView = DocumentViews.processing
    public static let notificationsView = DocumentViews.notifications

    public init(secret: SymmetricKey, vault: Vault? = nil, sla: SLATable = .mataram) {
        self.secret = secret
        self.vault = vault
        preparedKey = DocumentSecrets.PreparedKey(secret)
        self.sla = sla
        rules = DocumentTrackingRules()
        projectors = [ApplicationsProjector(), QueueProjector(), ProcessingProjector(), NotificationsProjector()]
    }

    // MARK: Subjects

    /// The NIK's keyed hash under this domain's secret (`applicant.nikHash` of applications from
    /// before the vault).
    public func nikHash(_ nik: String) -> String { DocumentSecrets.nikHash(nik: nik, secret: secret) }

    /// The subject of `nik` in the vault: through its `nik` blind index, else (applications from
    /// before the vault, linked by `lumbung privacy migrate`) through the `legacyNikHash` blind
    /// index of its keyed hash. Nil without a vault, or when neither finds one (or it was forgotten).
    public func subject(nik: String) throws -> String? {
        guard let vault else { return nil }
        return try vault.subject(.nik, nik) ?? vault.subject(.legacyNikHash, nikHash(nik))
    }

    // MARK: Commands

    /// Decides `command` on the current state of `rules` (call it inside
    /// `RuleGuard.withCurrentState`, then append `events` in one request). Receipt numbers and
    /// PINs come from the system's cryptographic generator.
    /// - `submit-application`: ids `receiptNumber`, secrets `pin` (show it once; it is not stored).
    /// - `change-status`: ids `receiptNumber`.
    /// Errors: `.invalidInput` (a time in the future) and `.ruleViolation` (the lifecycle), naming
    /// the body field.
    public func decide(_ command: DocumentTrackingCommand, rules: DocumentTrackingRules, now: Timestamp) throws(EventLogError) -> Decision {
        var generator = SystemRandomNumberGenerator()
        return try command.decide(rules: rules, secret: secret, vault: vault, now: now, using: &generator)
    }

    /// As `decide(_:rules:now:)` on this domain's own rules.
    public func decide(_ command: DocumentTrackingCommand, now: Timestamp) throws(EventLogError) -> Decision {
        try decide(command, rules: rules, now: now)
    }

    /// As `decide(_:rules:now:)` with a chosen generator (tests; never a seeded one in production).
    public func decide(
        _ command: DocumentTrackingCommand, rules: DocumentTrackingRules, now: Timestamp,
        using generator: inout some RandomNumberGenerator
    ) throws(EventLogError) -> Decision {
        try command.decide(rules: rules, secret: secret, vault: vault, now: now, using: &generator)
    }

    // MARK: Notifications

    /// The event recording what became of a notification (`NotificationRecorded`), on the
    /// application's stream; the rules check it again when it is appended (the application must exist).
    public func notificationEvent(_ outcome: NotificationRecorded.Outcome, _ e: NotificationRecorded) throws(EventLogError)
        -> ProposedEvent
    {
        try Application.Event.notification(outcome, e).proposed(expectedVersion: .exists)
    }

    // MARK: Queries

    /// `DocumentTrackingQueries.lookup` with this domain's secret; `view` is a reader of
    /// `documents.applications`. Nil for an unknown receipt and for a wrong PIN alike.
    public func lookup(_ view: ViewReader, receiptNumber: String, pin: String) throws -> PublicApplication? {
        try DocumentTrackingQueries.lookup(view, receiptNumber: receiptNumber, pin: pin, secret: secret)
    }

    /// `DocumentTrackingQueries.lookupJSON` under this domain's secret.
    public func lookupJSON(_ view: ViewReader, receiptNumber: String, pin: String) throws -> [UInt8]? {
        try DocumentTrackingQueries.lookupJSON(view, receiptNumber: receiptNumber, pin: pin, key: preparedKey)
    }

    /// The receipt number and PIN of a lookup as this domain's lookup compares them.
    public func lookupCredential(receiptNumber: String, pin: String) -> LookupCredential {
        LookupCredential(receiptNumber: receiptNumber, pin: pin, key: preparedKey)
    }

    /// The lookup's answer: `lookupJSON` with the estimated ready date of a waiting application
    /// (`DocumentTrackingQueries.withEstimate`); `processing` is a reader of `documents.processing`.
    public func lookupAnswer(_ applications: ViewReader, processing: ViewReader, receiptNumber: String, pin: String) throws -> [UInt8]? {
        try lookupAnswer(applications, processing: processing, credential: lookupCredential(receiptNumber: receiptNumber, pin: pin))
    }

    /// As `lookupAnswer(_:processing:receiptNumber:pin:)` with the credential already made.
    public func lookupAnswer(_ applications: ViewReader, processing: ViewReader, credential: LookupCredential) throws -> [UInt8]? {
        try DocumentTrackingQueries.lookupJSON(applications, credential: credential).map {
            try DocumentTrackingQueries.withEstimate($0, processing: processing, sla: sla)
        }
    }

    /// `DocumentTrackingQueries.estimate` with this domain's SLA; `processing` is a reader of
    /// `documents.processing`.
    public func estimate(_ processing: ViewReader, application: PublicApplication) throws -> ReadyEstimate? {
        try DocumentTrackingQueries.estimate(processing, application: application, sla: sla)
    }

    /// `DocumentTrackingQueries.processing` with this domain's SLA; `view` is a reader of
    /// `documents.processing`.
    public func processing(_ view: ViewReader) throws -> ProcessingReport {
        try DocumentTrackingQueries.processing(view, sla: sla)
    }

    /// `DocumentTrackingQueries.queue` with this domain's SLA; `view` is a reader of `documents.queue`.
    public func queue(_ view: ViewReader, office: String, asOf: Timestamp, limit: Int = 500) throws -> OfficeQueue? {
        try DocumentTrackingQueries.queue(view, office: office, asOf: asOf, sla: sla, limit: limit)
    }

    // MARK: Scenario

    /// The 2018 scenario with its hashes made under this domain's secret, so that
    /// `DocumentTrackingScenario.demoApplication(seed:)` can be looked up on this server; with
    /// this domain's vault, some applicants leave contacts (sealed) and are notified.
    public func scenario(seed: UInt64, scale: Double) -> [ScenarioEvent] {
        DocumentTrackingScenario.scenario(seed: seed, scale: scale, secret: secret, vault: vault)
    }
}
