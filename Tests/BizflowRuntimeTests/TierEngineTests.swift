import BizflowEvents
import BizflowKafka
@testable import BizflowRuntime
import Foundation
import Testing

/// The runner's rules as values: records in, calls and plans out, no broker.
@Suite("Tier engine (sans-IO): records, stores and a time in, calls and commit plans out")
struct TierEngineTests {
    static let input = "in"
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func engine(_ change: (inout TierSettings) -> Void = { _ in }) throws -> TierEngine {
        var settings = TierSettings(
            name: "t", groupID: "g", inputs: [Self.input], changelog: "t.changelog", kafka: KafkaConfig(), instanceID: "0")
        settings.retry = RetryPolicy(attempts: 3, initialDelay: .milliseconds(100), maxDelay: .seconds(1))
        settings.acceptedTypes[Self.input] = [LeadCaptured.eventType]
        change(&settings)
        var engine = TierEngine(settings: settings, incarnation: "w1")
        #expect(engine.assign([TopicPartition(Self.input, 0)]) == [0])
        _ = engine.restore(0, restoredBy: ChangelogRestorer(), now: start.timeIntervalSince1970)
        return engine
    }

    /// A consumed record of `lead`, as a producer following the README writes it.
    func record(_ lead: String, offset: Int64, email: String = "a@example.com", id: String? = nil) throws -> KafkaMessage {
        var event = LeadCaptured()
        event.leadID = lead
        event.tenantID = "acme"
        event.email = email
        var envelope = EventEnvelope(source: "test", type: LeadCaptured.eventType, time: start, tenantID: "acme")
        if let id { envelope.id = id }
        let record = try EventRecord.make(event, envelope: envelope, topic: Self.input)
        return KafkaMessage(
            topic: Self.input, partition: 0, offset: offset, key: record.key, value: record.value, headers: record.headers,
            timestampMs: 0)
    }

    /// `#require` for calls that mutate the engine (the macro takes no mutating expressions).
    func required<T>(_ value: T?, _ comment: Comment? = nil) throws -> T { try #require(value, comment) }

    func score(_ lead: String) -> Emit {
        var scored = LeadScored()
        scored.leadID = lead
        scored.tenantID = "acme"
        return Emit(scored, to: "out")
    }

    @Test("a record becomes a call; its success writes the output, the key's state and window, the marker and offsets")
    func success() throws {
        var engine = try self.engine()
        engine.startBatch(now: start) { _, _ in false }
        var call = try required(engine.begin(try record("L1", offset: 0, id: "e-1")))
        var state = call.state
        state.setBytes([7], "counts", "L1")
        #expect(engine.finish(&call, .success([score("L1")]), state: state) == nil)
        let plan = try required(engine.plan())
        #expect(plan.outputs.count == 1)
        let out = plan.outputs[0]
        #expect(out.topic == "out" && out.key == Array("L1".utf8))
        #expect(out.headers.header(named: "ce_id")?.stringValue == EventID.derived("e-1", "t", "0"))
        #expect(out.headers.header(named: "ce_causationid")?.stringValue == "e-1")
        #expect(out.headers.header(named: "ce_time")?.stringValue == EventEnvelope.format(start))
        #expect(plan.changelog.count == 1)
        let group = try #require(ChangelogGroup.decode(plan.changelog[0].value))
        #expect(group["counts"] == [7] && group[TierEngine.seenStore] == Array("e-1".utf8))
        #expect(plan.changelog[0].key == ChangelogGroup.recordKey("L1") && plan.changelog[0].partition == 0)
        let marker = try #require(CommitMarker(bytes: plan.markers[0].value))
        #expect(marker.offsets == [Self.input: 1] && marker.txn == "w1:0" && plan.txn == "w1:0")
        #expect(plan.offsets == [TopicPartitionOffset(TopicPartition(Self.input, 0), offset: 1)])
        engine.committed(plan)
        #expect(engine.counts.consumed == 1 && engine.counts.latencies.count == 1)
    }

    @Test("a redelivered event is dropped by its id; records before the position and of other partitions are skipped")
    func duplicatesAndPositions() throws {
        var engine = try self.engine()
        engine.startBatch(now: start) { _, _ in false }
        var call = try required(engine.begin(try record("L1", offset: 0, id: "e-1")))
        _ = engine.finish(&call, .success([]), state: call.state)
        #expect(engine.begin(try record("L1", offset: 1, id: "e-1")) == nil, "the same event again")
        #expect(engine.counts.duplicates == 1)
        #expect(engine.begin(try record("L1", offset: 1, id: "e-2")) == nil, "offset 1 is behind the position now")
        var other = try record("L2", offset: 5)
        other.partition = 1
        #expect(engine.begin(other) == nil, "partition 1 is not this runner's")
        #expect(engine.counts.consumed == 2)
        #expect(engine.begin(try record("L1", offset: 2, id: "e-2")) != nil)
    }

    @Test("poison is dead-lettered with its class and never reaches the tier", arguments: [
        ("bytes", "undecodable"), ("headers", "invalid_envelope"), ("type", "unexpected_event_type"),
        ("unknown", "unknown_event_type"), ("key", "key_mismatch"), ("no-id", "validation_failed"),
    ])
    func poison(kind: String, errorClass: String) throws {
        var engine = try self.engine { $0.acceptedTypes = [:] }
        if kind == "type" { engine = try self.engine() }
        engine.startBatch(now: start) { _, _ in false }
        var message = try record(kind == "no-id" ? "" : "L1", offset: 0)
        switch kind {
        case "bytes": message.value = [0xff, 0x01]
        case "headers": message.headers = []
        case "type", "unknown":
            let type = kind == "type" ? OrderPlaced.eventType : "bizflow.nope.v1.Nothing"
            message.headers = message.headers.map { $0.key == "ce_type" ? KafkaHeader("ce_type", type) : $0 }
        case "key": message.key = Array("P2".utf8)
        default: break
        }
        #expect(engine.begin(message) == nil)
        let plan = try required(engine.plan())
        #expect(plan.outputs.count == 1)
        #expect(plan.outputs[0].topic == "in.dlq")
        #expect(plan.outputs[0].headers.header(named: DeadLetter.Header.errorClass)?.stringValue == errorClass)
        #expect(engine.counts.deadLetters.map(\.errorClass) == [errorClass])
        #expect(plan.offsets.first?.offset == 1, "a dead-lettered record is consumed")
    }

    @Test("transient failures wait the policy's delays, then dead-letter and park the key; a replay of it unparks")
    func retriesAndParking() throws {
        var engine = try self.engine { $0.parkKeysOnFailure = true }
        engine.startBatch(now: start) { _, _ in false }
        var call = try required(engine.begin(try record("L1", offset: 0, id: "e-1")))
        #expect(engine.finish(&call, .failure(TierError.transient("down")), state: call.state) == .milliseconds(100))
        #expect(call.input?.attempt == 2)
        #expect(engine.finish(&call, .failure(TierError.transient("down")), state: call.state) == .milliseconds(200))
        #expect(engine.finish(&call, .failure(TierError.transient("down")), state: call.state) == nil)
        #expect(engine.counts.retries == 2)
        #expect(engine.output.last?.headers.header(named: DeadLetter.Header.attempts)?.stringValue == "3")
        #expect(engine.begin(try record("L1", offset: 1, id: "e-2")) == nil, "later events of the key wait")
        #expect(engine.output.last?.headers.header(named: DeadLetter.Header.errorClass)?.stringValue == "parked")
        var replay = try record("L1", offset: 2, id: "e-1")
        replay.headers.append(KafkaHeader(DeadLetter.Header.replayFor, "t"))
        var replayed = try required(engine.begin(replay), "the parked event, replayed for this tier, is handled")
        #expect(replayed.input?.replayed == true)
        _ = engine.finish(&replayed, .success([]), state: replayed.state)
        #expect(engine.begin(try record("L1", offset: 3, id: "e-3")) != nil, "the key flows again")
        var forOther = try record("L9", offset: 4)
        forOther.headers.append(KafkaHeader(DeadLetter.Header.replayFor, "another-tier"))
        #expect(engine.begin(forOther) == nil)
    }

    @Test("a key unchanged for the TTL loses what may expire and its window: an empty key is a tombstone")
    func expiry() throws {
        var engine = try self.engine { $0.stateTTL = .seconds(86_400) }
        engine.startBatch(now: start) { _, _ in false }
        var call = try required(engine.begin(try record("L1", offset: 0)))
        var state = call.state
        state.setBytes([1], "counts", "L1")
        _ = engine.finish(&call, .success([]), state: state)
        engine.committed(try required(engine.plan()))
        engine.startBatch(now: start.addingTimeInterval(86_401)) { store, _ in store == "counts" }
        #expect(engine.counts.expiredEntries == 2)
        let plan = try required(engine.plan(), "the sweep's changes are the batch's")
        #expect(plan.changelog.count == 1 && plan.changelog[0].isTombstone)
        #expect(engine.stores[0]?.count == 0)
    }

    @Test("a due timer is called with its state; it fires once whether its handler succeeds or fails")
    func timers() throws {
        var engine = try self.engine()
        engine.startBatch(now: start) { _, _ in false }
        var call = try required(engine.begin(try record("L1", offset: 0)))
        var state = call.state
        state.schedule(DurableTimer(name: "follow-up", key: "L1", due: start.addingTimeInterval(60), tenantID: "acme"))
        state.schedule(DurableTimer(name: "other", key: "L1", due: start.addingTimeInterval(60), tenantID: "acme"))
        _ = engine.finish(&call, .success([]), state: state)
        #expect(engine.dueTimers().isEmpty)
        engine.committed(try required(engine.plan()))
        engine.startBatch(now: start.addingTimeInterval(61)) { _, _ in false }
        var due = engine.dueTimers()
        #expect(due.count == 2 && due.allSatisfy { $0.input == nil })
        _ = engine.finish(&due[0], .success([score("L1")]), state: due[0].state)
        _ = engine.finish(&due[1], .failure(TierError.invalid("no")), state: due[1].state)
        #expect(engine.counts.timersFired == 1 && engine.counts.droppedTimers.count == 1)
        let plan = try required(engine.plan())
        #expect(plan.outputs.count == 1 && plan.outputs[0].headers.header(named: "ce_type")?.stringValue == LeadScored.eventType)
        engine.committed(plan)
        engine.startBatch(now: start.addingTimeInterval(3_600)) { _, _ in false }
        #expect(engine.dueTimers().isEmpty, "both are gone")
    }

    @Test("an abandoned batch drops its partitions' stores and is listed as aborted by the next marker")
    func abandon() throws {
        var engine = try self.engine()
        engine.startBatch(now: start) { _, _ in false }
        var call = try required(engine.begin(try record("L1", offset: 0)))
        _ = engine.finish(&call, .success([]), state: call.state)
        let failed = try required(engine.plan())
        engine.abandon(failed)
        #expect(engine.stores[0] == nil)
        #expect(engine.rewindTargets([0]) == [TopicPartitionOffset(TopicPartition(Self.input, 0), offset: 1)])
        _ = engine.restore(0, restoredBy: ChangelogRestorer(), now: 0)
        engine.startBatch(now: start) { _, _ in false }
        _ = engine.begin(try record("L1", offset: 0))
        let plan = try required(engine.plan())
        #expect(plan.txn == "w1:1")
        #expect(CommitMarker(bytes: plan.markers[0].value)?.aborted == ["w1:0"])
        engine.committed(plan)
        #expect(engine.pendingAborted[0] == [])
    }
}
