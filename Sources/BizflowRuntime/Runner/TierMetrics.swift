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

    init(tier: String) {
        let dims = [("tier", tier)]
        consumed = Counter(label: "bizflow_tier_consumed_total", dimensions: dims)
        produced = Counter(label: "bizflow_tier_produced_total", dimensions: dims)
        deadLettered = Counter(label: "bizflow_tier_dead_lettered_total", dimensions: dims)
        retries = Counter(label: "bizflow_tier_retries_total", dimensions: dims)
        duplicates = Counter(label: "bizflow_tier_duplicates_dropped_total", dimensions: dims)
        timersFired = Counter(label: "bizflow_tier_timers_fired_total", dimensions: dims)
        batchSize = Recorder(label: "bizflow_tier_batch_size", dimensions: dims, aggregate: true)
        batchDuration = Metrics.Timer(label: "bizflow_tier_batch_duration", dimensions: dims)
        eventLatency = Metrics.Timer(label: "bizflow_tier_event_latency", dimensions: dims)
        lag = Gauge(label: "bizflow_tier_lag", dimensions: dims)
        restoredRecords = Counter(label: "bizflow_tier_restored_records_total", dimensions: dims)
    }
}
