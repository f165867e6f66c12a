public import CoreMetrics

/// Replication's throughput, through swift-metrics: counters of the events the relay published and
/// the follower applied, of the runs the follower refused, and a timer of how long a run takes to
/// apply. Made from `factory` (by default the process's bootstrapped backend: Prometheus in
/// `lumbung serve`, nothing when none is bootstrapped); a test passes its own.
public struct ReplicationMetrics: Sendable {
    /// `lumbung_relay_published_events_total`: events JetStream acknowledged storing (by the
    /// PubAck of their run).
    public let publishedEvents: Counter
    /// `lumbung_follower_applied_events_total`: events committed to the replica.
    public let appliedEvents: Counter
    /// `lumbung_follower_refused_runs_total`: runs refused (a signed head that does not verify
    /// or match, an event that does not chain, events no signed head covered).
    public let refusedRuns: Counter
    /// `lumbung_follower_run_apply_seconds`: from handing a run to the log's writer to its commit.
    public let runApplyLatency: CoreMetrics.Timer

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        publishedEvents = Counter(label: "lumbung_relay_published_events_total", factory: factory)
        appliedEvents = Counter(label: "lumbung_follower_applied_events_total", factory: factory)
        refusedRuns = Counter(label: "lumbung_follower_refused_runs_total", factory: factory)
        runApplyLatency = CoreMetrics.Timer(label: "lumbung_follower_run_apply_seconds", factory: factory)
    }
}
