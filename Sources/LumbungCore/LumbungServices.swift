import Crypto
import Dispatch
public import DomainKit
public import EventLog
import Foundation
import Metrics
public import PersonalData
public import Projections

/// Everything the service runs on, opened from one data directory: the log, its rules, the
/// views and the keys. The CLI opens the same for its commands.
public final class LumbungServices: @unchecked Sendable {
    public let dataDirectory: String
    public let store: EventStore
    public let rules: RuleGuard
    public let engine: ProjectionEngine
    public let keys: KeyRegistry
    public let domains: Domains
    /// The personal data vault (`<data dir>/vault/`, keyed by `vault.key`).
    public let vault: Vault
    /// Per-client limit of public receipt lookups (a burst of 10, then 1 a second by default).
    public var lookupLimiter: RateLimiter
    /// Failed PINs per receipt, shared by every process on the data directory.
    public let lookupGuard: LookupGuard
    /// Folds of the log as it was at a point in time, for `?asOf=` (`ReplayCache`).
    public let replays: ReplayCache
    /// When set, this node is a read replica: writes answer 403 naming the primary.
    public var readOnlyPrimary: String?

    /// Opens (creating, 0700) the data directory: `log/`, `views/`, `secret.key` (0600), the
    /// server secret that keys the hashes of NIKs and PINs, guarded by `SecretKeyFile`, and the
    /// personal data vault (`vault/`, its master key `vault.key` guarded by `VaultKeyFile`), in
    /// which every subject forgotten in the log is forgotten again before anything is served.
    ///
    /// `region` (`--region`) is the area the aid domain serves; the directory keeps it
    /// (`ServiceAreaFile`), and another later is refused. `adjustmentApprovalAbove`
    /// (`--adjustment-approval-above`): stock adjustments larger than this wait for a second
    /// officer's approval (`AidLogisticsRules.approvalAbove`).
    ///
    /// The rules' decision state is brought up to the log here (`RuleGuard.prepare`): built once,
    /// with `stateProgress(done, total)`, for a log written before it was kept.
    public init(
        dataDirectory: String, storeOptions: EventStore.Options = EventStore.Options(),
        stateProgress: ((UInt64, UInt64) -> Void)? = nil, region: String? = nil,
        adjustmentApprovalAbove: Int? = nil
    ) throws {
        self.dataDirectory = dataDirectory
        try FileManager.default.createDirectory(
            atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        store = try EventStore(dataDirectory: dataDirectory, options: storeOptions)
        let secret = try SecretKeyFile.load(dataDirectory: dataDirectory, store: store)
        let vaultKey = try VaultKeyFile.load(dataDirectory: dataDirectory, store: store)
        vault = try Vault(
            directory: (dataDirectory as NSString).appendingPathComponent(Vault.directoryName), masterKey: vaultKey,
            keyFiles: VaultKeyFile.files(dataDirectory: dataDirectory))
        // Before anything serves: the blind indexes a crash lost are written again from the log,
        // and every subject the log says was forgotten stays forgotten here (and the master key
        // rotated, when that destroyed a key).
        try PrivacyOffice.recoverIndexes(store: store, vault: vault)
        if try PrivacyOffice.reapplyForgotten(store: store, vault: vault) > 0 {
            try PrivacyOffice.rotateMasterKey(store: store, vault: vault)
        }
        let store = self.store
        vault.startCheckpoints { try store.head().position }
        domains = Domains(
            secret: secret, vault: vault, area: try ServiceAreaFile.load(dataDirectory: dataDirectory, requested: region),
            adjustmentApprovalAbove: adjustmentApprovalAbove)
        rules = RuleGuard(rules: domains.rules)
        store.appendGuard = rules
        try rules.prepare(store, progress: stateProgress)
        engine = try ProjectionEngine(store: store, dataDirectory: dataDirectory, projectors: domains.projectors)
        keys = KeyRegistry(store: store)
        replays = ReplayCache(store: store, projectors: domains.projectors)
        lookupLimiter = RateLimiter(capacity: 10, refillPerSecond: 1)
        lookupGuard = try LookupGuard(dataDirectory: dataDirectory)
    }

    /// Brings the rules' decision state and the views up to the log (with progress; on a log
    /// whose state is current that reads nothing), then keeps the views current.
    public func start(progress: ((String, UInt64, UInt64) -> Void)? = nil) throws {
        try rules.prepare(store) { done, total in progress?("rules", done, total) }
        try engine.catchUp { done, total in progress?("views", done, total) }
        try engine.start()
    }

    public func close() {
        engine.stop()
        replays.close()
        // The vault's pending indexes are written (with the head they cover) before the log closes.
        try? vault.close()
        store.close()
    }

    /// Appends a decision's events for `actor` (within `scope`, a scoped key's offices,
    /// warehouses or markets: the rules refuse anything outside it with 403), makes the views
    /// current with it (read your writes), and returns the outcome.
    /// On a read replica (`readOnlyPrimary` set) it refuses with 403 naming the primary.
    ///
    /// Metrics (swift-metrics, whatever backend the process bootstrapped): each call counts in
    /// `lumbung_append_requests_total`, each event written (not a duplicate's) in
    /// `lumbung_appended_events_total`, and a successful append's time in the
    /// `lumbung_append_duration_seconds` histogram.
    public func write(_ events: [ProposedEvent], actor: String, scope: Set<String>? = nil) async throws -> AppendOutcome {
        try refuseIfReadOnly()
        Counter(label: "lumbung_append_requests_total").increment()
        let start = DispatchTime.now().uptimeNanoseconds
        var request = try AppendRequest(events: events, actor: actor)
        request.scope = scope
        let outcome = try await store.append(request)
        Metrics.Timer(label: "lumbung_append_duration_seconds", preferredDisplayUnit: .seconds)
            .recordNanoseconds(DispatchTime.now().uptimeNanoseconds - start)
        if !outcome.duplicate { Counter(label: "lumbung_appended_events_total").increment(by: outcome.results.count) }
        try engine.sync(to: outcome.lastPosition)
        return outcome
    }

    /// Refuses a write on a read replica (`readOnlyPrimary` set), naming the primary.
    public func refuseIfReadOnly() throws(ReadOnlyReplicaRefusal) {
        if let primary = readOnlyPrimary { throw ReadOnlyReplicaRefusal(primary: primary) }
    }

}

/// A write sent to a read replica: it must go to the primary at `primary` (HTTP 403).
public struct ReadOnlyReplicaRefusal: Error, Sendable, CustomStringConvertible {
    /// The primary's URL, as the replica was started with.
    public let primary: String
    public var description: String {
        "this node is a read-only replica; send writes to the primary at \(primary)"
    }
}
