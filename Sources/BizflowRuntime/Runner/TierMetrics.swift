import Metrics

/// The swift-metrics instruments of one tier.
struct TierMetrics: Sendable {
    let consumed: Counter
    let produced: Counter
    let deadLettered: Counter
    let retries: Counter
    let duplicates: Counter
    let timersFired: Counter
    let batchSize: Recorder
    let batchDuration: Metrics.Timer
    let eventLatency: Metrics.Timer
    let lag: Gauge
    let restoredRecords: Counter
    let standbyRecords: Counter
    let expiredEntries: Counter
    /// Nanoseconds per batch stage, when profiling (`StageTimes`).
    let stages: [StageTimes.Stage: Counter]

    init(tier: String, factory: any MetricsFactory, stages profiled: Bool = false) {
        let dims = [("tier", tier)]
        consumed = Counter(label: "bizflow_tier_consumed_total", dimensions: dims, factory: factory)
        produced = Counter(label: "bizflow_tier_produced_total", dimensions: dims, factory: factory)
        deadLettered = Counter(label: "bizflow_tier_dead_lettered_total", dimensions: dims, factory: factory)
        retries = Counter(label: "bizflow_tier_retries_total", dimensions: dims, factory: factory)
        duplicates = Counter(label: "bizflow_tier_duplicates_dropped_total", dimensions: dims, factory: factory)
        timersFired = Counter(label: "bizflow_tier_timers_fired_total", dimensions: dims, factory: factory)
        batchSize = Recorder(label: "bizflow_tier_batch_size", dimensions: dims, aggregate: true, factory: factory)
        batchDuration = Metrics.Timer(label: "bizflow_tier_batch_duration", dimensions: dims, factory: factory)
        eventLatency = Metrics.Timer(label: "bizflow_tier_event_latency", dimensions: dims, factory: factory)
        lag = Gauge(label: "bizflow_tier_lag", dimensions: dims, factory: factory)
        restoredRecords = Counter(label: "bizflow_tier_restored_records_total", dimensions: dims, factory: factory)
        standbyRecords = Counter(label: "bizflow_tier_standby_records_total", dimensions: dims, factory: factory)
        expiredEntries = Counter(label: "bizflow_tier_expired_entries_total", dimensions: dims, factory: factory)
        stages = !profiled ? [:] : Dictionary(uniqueKeysWithValues: StageTimes.Stage.allCases.map { stage in
            (stage, Counter(label: "bizflow_tier_stage_nanoseconds_total", dimensions: dims + [("stage", stage.label)], factory: factory))
        })
    }
}
