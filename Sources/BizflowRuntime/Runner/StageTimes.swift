import Metrics

/// Where a runner's batches spend their time, stage by stage, when `TierSettings.profileStages` is on: reported as
/// `bizflow_tier_stage_nanoseconds_total{tier,stage}`. Wall time of the runner's own task (on an idle core, its CPU);
/// the consumer's and librdkafka's threads are not in it (`bizflow-lab bench --profile` reads those from /proc).
struct StageTimes: Sendable {
    enum Stage: Int, CaseIterable, Sendable {
        /// Envelope, type check, reading the event (view or decode), key check, dedupe, parking: `TierEngine.begin`.
        case read
        /// The tier's handler, the hop to its actor included.
        case handle
        /// Applying the state, the emitted records (caused envelopes, ids, headers): `TierEngine.finish`.
        case write
        /// Changelog groups, commit markers, offsets: `TierEngine.plan`.
        case plan
        /// Handing the batch's records to librdkafka.
        case produce
        /// Flush, markers, offsets and the transaction's commit (mostly waiting on the broker).
        case commit
    }

    private var nanoseconds = [UInt64](repeating: 0, count: Stage.allCases.count)
    private let enabled: Bool

    init(enabled: Bool) { self.enabled = enabled }

    /// Runs `body`, adding its time to `stage` when profiling.
    mutating func time<R>(_ stage: Stage, _ body: () throws -> R) rethrows -> R {
        guard enabled else { return try body() }
        let start = ContinuousClock.now
        defer { add(stage, since: start) }
        return try body()
    }

    mutating func add(_ stage: Stage, since start: ContinuousClock.Instant) {
        guard enabled else { return }
        let elapsed = ContinuousClock.now - start
        nanoseconds[stage.rawValue] += UInt64(elapsed.components.seconds) * 1_000_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000)
    }

    var isEnabled: Bool { enabled }

    /// Adds what was measured since the last report to the counters, and starts again from zero.
    mutating func report(_ counters: [Stage: Counter]) {
        guard enabled else { return }
        for stage in Stage.allCases where nanoseconds[stage.rawValue] > 0 {
            counters[stage]?.increment(by: Int(nanoseconds[stage.rawValue]))
            nanoseconds[stage.rawValue] = 0
        }
    }
}

extension StageTimes.Stage {
    /// The metric's `stage` label.
    var label: String { String(describing: self) }
}
