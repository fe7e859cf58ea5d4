import BizflowEvents
import BizflowKafka
import Foundation

extension TierRunner {
    static let seenStore = "__seen"
    static let parkedStore = "__parked"

    /// Why a key is parked: the dead-lettered event later events of the key wait behind.
    struct Parked: Codable {
        var eventID: String
        var errorClass: String
    }

    /// Processes a batch and commits its effects; on a failed commit, rolls the state back to the changelog.
    func processBatch(_ batch: [KafkaMessage]) async throws {
        let started = ContinuousClock.now
        let now = settings.clock.now()
        var out: [ProducerMessage] = []
        var touched: Set<Int32> = []
        var processed = 0
        if let ttl = settings.stateTTL { touched = expire(olderThan: ttl, now: now) }
        for message in batch {
            let tp = message.topicPartition
            guard owned.contains(tp), let store = stores[message.partition] else { continue }
            // Records already processed (redelivered around a rebalance or a seek) are skipped by offset.
            guard message.offset >= positions[tp] ?? 0 else { continue }
            positions[tp] = message.offset + 1
            touched.insert(message.partition)
            processed += 1
            out += try await handle(message, store: store, now: now)
        }
        for (partition, store) in stores.sorted(by: { $0.key < $1.key }) {
            let due = store.dueTimers(at: now.timeIntervalSince1970)
            guard !due.isEmpty else { continue }
            touched.insert(partition)
            for timer in due { out += try await fire(timer, store: store, now: now) }
        }
        guard !touched.isEmpty else { return }
        metrics.consumed.increment(by: processed)
        metrics.batchSize.record(processed)
        try await commit(out, touched: touched, now: now)
        if let member { settings.members?.processed(member, processed) }
        metrics.batchDuration.record(duration: ContinuousClock.now - started)
        if let consumer {
            metrics.lag.record(consumer.lag(Array(owned)).values.reduce(0, +))
        }
    }

    private func handle(_ message: KafkaMessage, store: PartitionStore, now: Date) async throws -> [ProducerMessage] {
        let replayFor = message.header(DeadLetter.Header.replayFor)
        if let replayFor, replayFor != settings.name { return [] }
        let envelope: EventEnvelope
        do {
            envelope = try EventRecord.envelope(of: message)
        } catch {
            return [deadLetter(message, error.errorClass, error.description, attempts: 1, now: now)]
        }
        if let accepted = settings.acceptedTypes[message.topic], !accepted.isEmpty, !accepted.contains(envelope.type) {
            let reason = "\(envelope.type) does not belong on \(message.topic) (the topology lists \(accepted.sorted().joined(separator: ", ")))"
            return [deadLetter(message, "unexpected_event_type", reason, attempts: 1, now: now)]
        }
        let read: EventRecord.ReadEvent
        do {
            read = try EventRecord.read(message, envelope: envelope)
        } catch {
            return [deadLetter(message, error.errorClass, error.description, attempts: 1, now: now)]
        }
        // An event without a key is invalid (below); it is parked, if at all, under the record's key.
        let key = read.key.isEmpty ? message.keyString ?? "" : read.key
        var state = TierState(store: store)
        // The last few event ids of the key, newline-separated (JSON would cost more than the event itself).
        let seen = state.bytes(Self.seenStore, key) ?? []
        let id = Array(envelope.id.utf8)
        if DedupeWindow.contains(seen, id) {
            metrics.duplicates.increment()
            return []
        }
        let replayed = replayFor != nil
        if settings.parkKeysOnFailure, let parked = state.value(Parked.self, Self.parkedStore, key) {
            if replayed && parked.eventID == envelope.id {
                state.set(Parked?.none, Self.parkedStore, key)
            } else {
                return [
                    deadLetter(
                        message, "parked", "key is parked behind event \(parked.eventID) (\(parked.errorClass)): "
                            + "replay the dead-letter topic with `bizflow dlq replay`", attempts: 0, now: now)
                ]
            }
        }
        if !read.problems.isEmpty {
            let error = EventError.invalidEvent(type: envelope.type, problems: read.problems)
            return failed(message, envelope, key, state, error.errorClass, error.description, attempts: 1, now: now)
        }
        var input =
            if let event = read.decoded {
                InboundEvent(
                    envelope: envelope, event: event, topic: message.topic, partition: message.partition,
                    offset: message.offset, key: key, replayed: replayed, payload: message.value)
            } else {
                InboundEvent(
                    envelope: envelope, undecoded: read.type, payload: message.value, topic: message.topic,
                    partition: message.partition, offset: message.offset, key: key, replayed: replayed)
            }
        if envelope.time.timeIntervalSince1970 > 0 {
            metrics.eventLatency.recordNanoseconds(Int64(max(0, now.timeIntervalSince(envelope.time)) * 1e9))
        }
        var attempt = 1
        while true {
            var attemptState = state
            input.attempt = attempt
            do {
                let emits = try await tier.handle(input, state: &attemptState, now: now)
                state = attemptState
                state.setBytes(DedupeWindow.appending(seen, id, size: settings.dedupeWindow), Self.seenStore, key)
                store.apply(state.writes)
                return try records(emits, cause: envelope, salt: envelope.id, now: now)
            } catch TierError.transient(let reason) where attempt < settings.retry.attempts {
                metrics.retries.increment()
                logger.debug("transient failure: retrying", metadata: ["attempt": "\(attempt)", "reason": "\(reason)"])
                try await Task.sleep(for: settings.retry.delay(after: attempt))
                attempt += 1
            } catch let error as TierError {
                return failed(message, envelope, key, state, error.errorClass, error.description, attempts: attempt, now: now)
            } catch {
                return failed(message, envelope, key, state, "processing_failed", "\(error)", attempts: attempt, now: now)
            }
        }
    }

    /// Sweeps the partitions whose sweep is due for keys unchanged for `ttl`; returns the partitions that changed.
    /// A sweep every tenth of the TTL (at most a minute apart) keeps a forgotten key's overstay under 10 %.
    private func expire(olderThan ttl: Duration, now: Date) -> Set<Int32> {
        let seconds = ttl.seconds
        let time = now.timeIntervalSince1970
        var changed: Set<Int32> = []
        for (partition, store) in stores where store.nextSweep <= time {
            store.nextSweep = time + min(seconds / 10, 60)
            let expired = store.expire(changedBefore: time - seconds) { store, value in
                switch store {
                case Self.seenStore: true
                case Self.parkedStore, DurableTimer.store: false  // a parked key waits for its replay; timers fire
                default: tier.mayExpire(store: store, value: value)
                }
            }
            if expired > 0 {
                changed.insert(partition)
                metrics.expiredEntries.increment(by: expired)
            }
        }
        return changed
    }

    /// Dead-letters an event that reached the tier, parking its key when configured.
    private func failed(
        _ message: KafkaMessage, _ envelope: EventEnvelope, _ key: String, _ state: TierState, _ errorClass: String,
        _ reason: String, attempts: Int, now: Date
    ) -> [ProducerMessage] {
        var state = state
        if settings.parkKeysOnFailure {
            state.set(Parked(eventID: envelope.id, errorClass: errorClass), Self.parkedStore, key)
        }
        state.store.apply(state.writes)
        return [deadLetter(message, errorClass, reason, attempts: attempts, now: now)]
    }

    private func deadLetter(_ message: KafkaMessage, _ errorClass: String, _ reason: String, attempts: Int, now: Date)
        -> ProducerMessage
    {
        metrics.deadLettered.increment()
        logger.warning(
            "event dead-lettered",
            metadata: [
                "topic": "\(message.topic)", "partition": "\(message.partition)", "offset": "\(message.offset)",
                "class": "\(errorClass)", "reason": "\(reason)",
            ])
        return DeadLetter.record(
            for: message, tier: settings.name, errorClass: errorClass, reason: reason, attempts: attempts, time: now)
    }

    private func fire(_ timer: DurableTimer, store: PartitionStore, now: Date) async throws -> [ProducerMessage] {
        var state = TierState(store: store)
        state.setBytes(nil, DurableTimer.store, timer.id)
        let salt = "\(timer.id)@\(timer.due)"
        let envelope = EventEnvelope(
            id: EventID.derived(salt), source: eventSource, type: "bizflow.timer", time: now,
            tenantID: timer.tenantID, correlationID: timer.correlationID.isEmpty ? nil : timer.correlationID)
        var attempt = 1
        while true {
            var attemptState = state
            do {
                let emits = try await tier.fire(timer, state: &attemptState, now: now)
                store.apply(attemptState.writes)
                metrics.timersFired.increment()
                return try records(emits, cause: envelope, salt: salt, now: now)
            } catch TierError.transient where attempt < settings.retry.attempts {
                metrics.retries.increment()
                try await Task.sleep(for: settings.retry.delay(after: attempt))
                attempt += 1
            } catch {
                // A timer has no input record to dead-letter: drop it with a loud log line.
                logger.error("timer failed and is dropped", metadata: ["timer": "\(timer.id)", "error": "\(error)"])
                store.apply(state.writes)
                return []
            }
        }
    }

    /// Records for a handler's emits: caused by `cause`, with ids derived from `salt` and their position.
    private func records(_ emits: [Emit], cause: EventEnvelope, salt: String, now: Date) throws -> [ProducerMessage] {
        var result: [ProducerMessage] = []
        result.reserveCapacity(emits.count)
        for (index, emit) in emits.enumerated() {
            let envelope = cause.caused(
                type: emit.type.eventType, source: eventSource, time: now,
                id: EventID.derived(salt, settings.name, String(index)))
            result.append(try EventRecord.make(emit, envelope: envelope))
        }
        return result
    }
}
