import Metrics

/// The projector's swift-metrics instruments.
struct ProjectorMetrics: Sendable {
    let projected: Counter
    let skippedUnknown: Counter
    let duplicates: Counter
    let deadLettered: Counter
    let retries: Counter
    let forgotten: Counter
    let batchDuration: Metrics.Timer
    let lag: Gauge

    init(group: String, factory: any MetricsFactory) {
        let dims = [("group", group)]
        projected = Counter(label: "bizflow_projector_events_total", dimensions: dims, factory: factory)
        skippedUnknown = Counter(label: "bizflow_projector_unknown_types_total", dimensions: dims, factory: factory)
        duplicates = Counter(label: "bizflow_projector_duplicates_total", dimensions: dims, factory: factory)
        deadLettered = Counter(label: "bizflow_projector_dead_lettered_total", dimensions: dims, factory: factory)
        retries = Counter(label: "bizflow_projector_retries_total", dimensions: dims, factory: factory)
        forgotten = Counter(label: "bizflow_projector_applied_ids_forgotten_total", dimensions: dims, factory: factory)
        batchDuration = Metrics.Timer(label: "bizflow_projector_batch_duration", dimensions: dims, factory: factory)
        lag = Gauge(label: "bizflow_projector_lag", dimensions: dims, factory: factory)
    }
}
