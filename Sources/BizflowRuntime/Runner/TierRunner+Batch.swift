import BizflowEvents
import BizflowKafka
import Foundation

extension TierRunner {
    /// Processes a batch through the engine, calling the tier for what it asks, and commits the effects; on a failed
    /// commit, rolls the state back to the changelog.
    func processBatch(_ batch: [KafkaMessage]) async throws {
        let started = ContinuousClock.now
        let tier = self.tier
        engine.startBatch(now: settings.clock.now()) { tier.mayExpire(store: $0, value: $1) }
        for message in batch {
            guard var call = stages.time(.read, { engine.begin(message) }) else { continue }
            try await run(&call)
        }
        for var call in engine.dueTimers() { try await run(&call) }
        guard let plan = stages.time(.plan, { engine.plan() }) else { return }
        try await commit(plan)
        // After the commit: a reader of the counters sees a batch's stage times once it sees its events counted.
        stages.report(metrics.stages)
        report(engine.counts)
        if let member { settings.members?.processed(member, engine.counts.consumed) }
        metrics.batchDuration.record(duration: ContinuousClock.now - started)
        if let consumer { metrics.lag.record(consumer.lag(Array(engine.owned)).values.reduce(0, +)) }
    }

    /// Calls the tier with `call` until the engine is done with it, waiting out its retry delays.
    private func run(_ call: inout TierCall) async throws {
        while true {
            let started = stages.isEnabled ? ContinuousClock.now : nil
            let (result, state) = await call.attempt(on: tier, now: engine.now)
            if let started { stages.add(.handle, since: started) }
            guard let delay = stages.time(.write, { engine.finish(&call, result, state: state) }) else { return }
            logger.debug("transient failure: retrying", metadata: ["attempt": "\(call.attempt - 1)", "error": "\(result)"])
            try await Task.sleep(for: delay)
        }
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
