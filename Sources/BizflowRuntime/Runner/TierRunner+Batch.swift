import BizflowEvents
import BizflowKafka
import Foundation

extension TierRunner {
    /// Processes a batch through the engine, calling the tier for what it asks, and commits the effects; on a failed
    /// commit, rolls the state back to the changelog.
    func processBatch(_ batch: [KafkaMessage]) async throws {
        let started = ContinuousClock.now
        let tier = self.tier
        self.engine.startBatch(now: settings.clock.now()) { tier.mayExpire(store: $0, value: $1) }
        // The engine goes with the batch to the tier's actor and comes back with it (moved, not copied, so its
        // collections stay uniquely owned); the batch lock keeps rebalances away meanwhile.
        var engine = TierEngine(settings: settings, incarnation: self.engine.incarnation)
        swap(&engine, &self.engine)
        var stages = self.stages
        let logger = self.logger
        do {
            try await tier.process(batch, engine: &engine, stages: &stages) { delay in
                logger.debug("transient failure: retrying", metadata: ["after": "\(delay)"])
                try await Task.sleep(for: delay)
            }
        } catch {
            (self.engine, self.stages) = (engine, stages)
            throw error
        }
        (self.engine, self.stages) = (engine, stages)
        guard let plan = self.stages.time(.plan, { self.engine.plan() }) else { return }
        try await commit(plan)
        // After the commit: a reader of the counters sees a batch's stage times once it sees its events counted.
        self.stages.report(metrics.stages)
        report(self.engine.counts)
        if let member { settings.members?.processed(member, self.engine.counts.consumed) }
        metrics.batchDuration.record(duration: ContinuousClock.now - started)
        if let consumer { metrics.lag.record(consumer.lag(Array(self.engine.owned)).values.reduce(0, +)) }
    }

    /// The batch's counts as metrics, its dead letters and dropped timers as log lines.
    private func report(_ counts: EngineCounts) {
        metrics.consumed.increment(by: counts.consumed)
        metrics.batchSize.record(counts.consumed)
        if counts.duplicates > 0 { metrics.duplicates.increment(by: counts.duplicates) }
        if counts.retries > 0 { metrics.retries.increment(by: counts.retries) }
        if counts.timersFired > 0 { metrics.timersFired.increment(by: counts.timersFired) }
        if counts.expiredEntries > 0 { metrics.expiredEntries.increment(by: counts.expiredEntries) }
        for nanoseconds in counts.latencies { metrics.eventLatency.recordNanoseconds(nanoseconds) }
        for note in counts.deadLetters {
            metrics.deadLettered.increment()
            logger.warning(
                "event dead-lettered",
                metadata: [
                    "topic": "\(note.message.topic)", "partition": "\(note.message.partition)",
                    "offset": "\(note.message.offset)", "class": "\(note.errorClass)", "reason": "\(note.reason)",
                ])
        }
        for (id, error) in counts.droppedTimers {
            // A timer has no input record to dead-letter: dropped with a loud log line.
            logger.error("timer failed and is dropped", metadata: ["timer": "\(id)", "error": "\(error)"])
        }
    }
}
