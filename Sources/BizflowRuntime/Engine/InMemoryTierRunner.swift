import BizflowKafka
import Foundation

/// Runs a tier over records held in memory through the same engine as `TierRunner`, with no Kafka: every rule of the
/// runtime (envelopes, dedupe, dead letters, retries without their waits, timers, expiry, changelog groups) around the
/// tier's own logic. For tests of a tier with the real runtime, tools, and measuring the engine's own cost.
public struct InMemoryTierRunner: Sendable {
    private var engine: TierEngine
    private let tier: any Tier

    /// A runner owning `partitions` of every input in `settings`, with empty state.
    public init(settings: TierSettings, tier: any Tier, partitions: [Int32]) throws {
        engine = TierEngine(settings: settings)
        self.tier = tier
        for partition in partitions {
            _ = engine.assign(settings.inputs.map { TopicPartition($0, partition) })
            _ = engine.restore(partition, restoredBy: ChangelogRestorer(), now: 0)
        }
    }

    /// What one batch writes.
    public struct Batch: Sendable {
        /// Outputs and dead letters, in order.
        public var outputs: [ProducerMessage]
        public var changelog: [ProducerMessage]
        public var markers: [ProducerMessage]
    }

    /// Processes `records` and the timers due at `now` as one batch, committed at once.
    public mutating func process(_ records: [KafkaMessage], now: Date) async throws -> Batch {
        let tier = self.tier
        engine.startBatch(now: now) { tier.mayExpire(store: $0, value: $1) }
        var stages = StageTimes(enabled: false)
        try await tier.process(records, engine: &engine, stages: &stages) { _ in }  // retries at once: no waits in memory
        guard let plan = engine.plan() else { return Batch(outputs: [], changelog: [], markers: []) }
        engine.committed(plan)
        return Batch(outputs: plan.outputs, changelog: plan.changelog, markers: plan.markers)
    }
}
