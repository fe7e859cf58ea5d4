import BizflowEvents
import BizflowKafka
import Foundation

/// Everything a tier runner decides, without I/O: records, partition stores and a time go in; the records to write
/// (outputs, dead letters, changelog groups, commit markers) and the offsets to commit come out. The Kafka shell
/// (`TierRunner`) consumes, hands each `TierCall` to the tier's actor, sleeps between retries and writes the
/// `CommitPlan`; the rules themselves are tested as values. A batch goes `startBatch` → `begin`/`finish` per record
/// → `dueTimers`/`finishTimer` → `plan` → `committed` or `abandon`.
struct TierEngine: Sendable {
    static let seenStore = "__seen"
    static let parkedStore = "__parked"

    let settings: TierSettings
    /// The `ce_source` of every event this tier emits.
    let eventSource: String
    /// This process's writer id in commit markers.
    let incarnation: String
    var sequence = 0
    /// State per input partition number (the same number across every co-partitioned input).
    var stores: [Int32: PartitionStore] = [:]
    /// The next offset to process per assigned input partition.
    var positions: [TopicPartition: Int64] = [:]
    var owned: Set<TopicPartition> = []
    /// Batches to list as aborted in each changelog partition's next marker.
    var pendingAborted: [Int32: Set<String>] = [:]
    /// Every batch of this process that failed, so a re-restore ignores its visible writes.
    var knownAborted: Set<String> = []

    // The batch in progress.
    var now = Date(timeIntervalSince1970: 0)
    /// Records to write in the batch's transaction: outputs and dead letters, in order.
    var output: [ProducerMessage] = []
    var touched: Set<Int32> = []
    var counts = EngineCounts()
    /// `ce_time` of everything the batch emits (its events share one time).
    private var time = ""

    init(settings: TierSettings, incarnation: String = String(UUID().uuidString.prefix(8)).lowercased()) {
        self.settings = settings
        self.eventSource = "bizflow/\(settings.name)"
        self.incarnation = incarnation
    }

    /// Starts a batch at `now` (the tier clock's time): due expiry sweeps run first, into the batch's changes.
    mutating func startBatch(now: Date, mayExpire: (_ store: String, _ value: [UInt8]) -> Bool) {
        self.now = now
        time = EventEnvelope.format(now)
        output.removeAll(keepingCapacity: true)
        touched.removeAll(keepingCapacity: true)
        counts = EngineCounts()
        if let ttl = settings.stateTTL { expire(olderThan: ttl, mayExpire: mayExpire) }
    }

    /// What to do with one consumed record: nothing (not this runner's, already processed, a duplicate, a replay for
    /// another tier), dead letters (recorded in `output`), or a call of the tier.
    mutating func begin(_ message: KafkaMessage) -> TierCall? {
        let tp = message.topicPartition
        guard owned.contains(tp), let store = stores[message.partition] else { return nil }
        // Records already processed (redelivered around a rebalance or a seek) are skipped by offset.
        guard message.offset >= positions[tp] ?? 0 else { return nil }
        positions[tp] = message.offset + 1
        touched.insert(message.partition)
        counts.consumed += 1
        return admit(message, store: store)
    }

    private mutating func admit(_ message: KafkaMessage, store: PartitionStore) -> TierCall? {
        let replayFor = message.header(DeadLetter.Header.replayFor)
        if let replayFor, replayFor != settings.name { return nil }
        let envelope: EventEnvelope
        do {
            envelope = try EventRecord.envelope(of: message)
        } catch {
            return deadLetter(message, error.errorClass, error.description, attempts: 1)
        }
        if let accepted = settings.acceptedTypes[message.topic], !accepted.isEmpty, !accepted.contains(envelope.type) {
            let reason = "\(envelope.type) does not belong on \(message.topic) (the topology lists \(accepted.sorted().joined(separator: ", ")))"
            return deadLetter(message, "unexpected_event_type", reason, attempts: 1)
        }
        let read: EventRecord.ReadEvent
        do {
            read = try EventRecord.read(message, envelope: envelope)
        } catch {
            return deadLetter(message, error.errorClass, error.description, attempts: 1)
        }
        // An event without a key is invalid (below); it is parked, if at all, under the record's key.
        let key = read.key.isEmpty ? message.keyString ?? "" : read.key
        var state = TierState(store: store)
        // The last few event ids of the key, newline-separated (JSON would cost more than the event itself).
        let seen = state.bytes(Self.seenStore, key) ?? []
        if DedupeWindow.contains(seen, envelope.id) {
            counts.duplicates += 1
            return nil
        }
        let replayed = replayFor != nil
        if settings.parkKeysOnFailure, let parked = state.value(Parked.self, Self.parkedStore, key) {
            if replayed && parked.eventID == envelope.id {
                state.set(Parked?.none, Self.parkedStore, key)
            } else {
                return deadLetter(
                    message, "parked", "key is parked behind event \(parked.eventID) (\(parked.errorClass)): "
                        + "replay the dead-letter topic with `bizflow dlq replay`", attempts: 0)
            }
        }
        if !read.problems.isEmpty {
            let error = EventError.invalidEvent(type: envelope.type, problems: read.problems)
            return failed(message, envelope.id, key, state, error.errorClass, error.description, attempts: 1)
        }
        let input =
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
            counts.latencies.append(Int64(max(0, now.timeIntervalSince(envelope.time)) * 1e9))
        }
        return TierCall(source: .record(message, input, key: key, seen: seen), state: state)
    }

    /// After the tier's attempt `call.attempt`: its emits become records, a transient failure with attempts left is
    /// retried after the returned delay (`call.attempt` counts up), anything else is dead-lettered (a timer's dropped).
    /// `state` is what the tier left, applied only on success.
    mutating func finish(_ call: inout TierCall, _ result: Result<[Emit], any Error>, state: TierState) -> Duration? {
        let attempt = call.attempt
        switch result {
        case .success(let emits):
            var state = state
            if case .record(_, let input, let key, let seen) = call.source {
                let window = DedupeWindow.appending(seen, input.envelope.id, size: settings.dedupeWindow)
                state.setBytes(window, Self.seenStore, key)
            } else {
                counts.timersFired += 1
            }
            state.store.apply(state.writes)
            do {
                try records(emits, cause: call.cause, salt: call.salt)
            } catch {
                // An emit that cannot be encoded or routed is the tier's bug: its input is dead-lettered rather than lost.
                fail(call, "processing_failed", "an emitted event could not be written: \(error)", attempts: attempt)
            }
            return nil
        case .failure(TierError.transient) where attempt < settings.retry.attempts:
            counts.retries += 1
            call.attempt += 1
            return settings.retry.delay(after: attempt)
        case .failure(let error as TierError):
            fail(call, error.errorClass, error.description, attempts: attempt)
        case .failure(let error):
            fail(call, "processing_failed", "\(error)", attempts: attempt)
        }
        return nil
    }

    /// Dead-letters a call's input (parking its key when configured), or drops a failed timer with its state
    /// untouched but for the timer itself.
    private mutating func fail(_ call: TierCall, _ errorClass: String, _ reason: String, attempts: Int) {
        switch call.source {
        case .record(let message, let input, let key, _):
            _ = failed(message, input.envelope.id, key, call.state, errorClass, reason, attempts: attempts)
        case .timer(let timer, _):
            counts.droppedTimers.append((timer.id, reason))
            call.state.store.apply(call.state.writes)
        }
    }

    /// Dead-letters an event that reached the tier's checks, parking its key when configured.
    private mutating func failed(
        _ message: KafkaMessage, _ eventID: String, _ key: String, _ state: TierState, _ errorClass: String,
        _ reason: String, attempts: Int
    ) -> TierCall? {
        var state = state
        if settings.parkKeysOnFailure {
            state.set(Parked(eventID: eventID, errorClass: errorClass), Self.parkedStore, key)
        }
        state.store.apply(state.writes)
        return deadLetter(message, errorClass, reason, attempts: attempts)
    }

    private mutating func deadLetter(_ message: KafkaMessage, _ errorClass: String, _ reason: String, attempts: Int) -> TierCall? {
        counts.deadLetters.append(DeadLetterNote(message: message, errorClass: errorClass, reason: reason))
        output.append(
            DeadLetter.record(
                for: message, tier: settings.name, errorClass: errorClass, reason: reason, attempts: attempts, time: now))
        return nil
    }

    /// Records for a handler's emits: caused by `cause`, with ids derived from `salt` and their position.
    private mutating func records(_ emits: [Emit], cause: EventEnvelope, salt: String) throws {
        output.reserveCapacity(output.count + emits.count)
        for (index, emit) in emits.enumerated() {
            let envelope = cause.caused(
                type: emit.type.eventType, source: eventSource, time: now,
                id: EventID.derived(salt, settings.name, Self.positionText(index)))
            var emit = emit
            if emit.topic.isEmpty {
                guard let topic = settings.outputTopics[emit.type.eventType] else { throw UnroutedEmit(type: emit.type.eventType) }
                emit.topic = topic
            }
            output.append(try EventRecord.make(emit, envelope: envelope, formattedTime: time))
        }
    }

    /// An emit's position as text (most handlers emit one or two: no number formatting for those).
    private static func positionText(_ index: Int) -> String { index < positions.count ? positions[index] : String(index) }
    private static let positions = (0..<8).map(String.init)

    /// Why a key is parked: the dead-lettered event later events of the key wait behind.
    struct Parked: Codable {
        var eventID: String
        var errorClass: String
    }
}
