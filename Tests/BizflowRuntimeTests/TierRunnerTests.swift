import BizflowEvents
import BizflowKafka
import BizflowRuntime
import BizflowTestSupport
import Foundation
import MetricsTestKit
import Testing

@Suite("Tier runner on the embedded broker", .serialized)
struct TierRunnerTests {
    @Test(
        "events flow through, state survives a restart, and nothing is emitted twice",
        arguments: DeliveryMode.allCases, StateKind.allCases)
    func stateSurvivesRestart(mode: DeliveryMode, state: StateKind) async throws {
        let h = try RuntimeHarness()
        for i in 0..<30 { try await h.send(h.lead("L\(i % 6)")) }
        var (runner, task) = h.start(h.settings(mode: mode, state: state))
        let first = try h.scores(try await read(h.broker, topic: h.output, count: 30))
        runner.stop()
        try await task.value

        // Counts per lead reached 5; a new process restores them from the changelog and goes on from there.
        for i in 0..<6 { try await h.send(h.lead("L\(i)")) }
        (runner, task) = h.start(h.settings(mode: mode, state: state))
        let all = try h.scores(try await read(h.broker, topic: h.output, count: 36))
        runner.stop()
        try await task.value
        await h.close()
        // On disk, the clean stop left checkpoints: the restart read each partition's tail (its last marker) only.
        let restores = await runner.restores
        if state == .disk { #expect(Set(restores.map(\.partition)) == [0, 1, 2] && restores.allSatisfy { $0.fromCheckpoint && $0.records <= 2 }, "\(restores)") }

        #expect(first.count == 30)
        #expect(all.count == 36, "no output repeated after the restart")
        #expect(Set(all.map(\.id)).count == 36)
        let latest = Dictionary(all.map { ($0.lead, $0.total) }, uniquingKeysWith: max)
        #expect(latest == Dictionary(uniqueKeysWithValues: (0..<6).map { ("L\($0)", Int32(6)) }))
    }

    @Test("poison inputs go to the dead-letter topic with their reasons while good events flow")
    func poison() async throws {
        let h = try RuntimeHarness()
        let good = EventEnvelope(source: "test", type: LeadCaptured.eventType, tenantID: "acme")
        let headers = good.headers.map { KafkaHeader($0.key, $0.value) }
        var wrongType = good
        wrongType.type = "bizflow.nope.v1.Nothing"
        try await h.send(h.lead("G1"))
        try await h.sendRaw(key: "P1", value: [UInt8]([0xff, 0x13, 0x37, 0x00, 0x42]), headers: headers)  // random bytes
        try await h.sendRaw(key: "P2", value: Array(try h.lead("P2").serializedBytes() as [UInt8]).dropLast(3).map { $0 }, headers: headers)
        try await h.sendRaw(key: "P3", value: try h.lead("P3").serializedBytes() as [UInt8], headers: [])  // no headers
        try await h.sendRaw(
            key: "P4", value: try h.lead("P4").serializedBytes() as [UInt8],
            headers: wrongType.headers.map { KafkaHeader($0.key, $0.value) })
        try await h.send(h.lead("P5", email: "invalid"))
        try await h.send(h.lead("", email: "x@example.com"))  // no lead id
        try await h.sendRaw(key: "P6", value: try h.lead("L-6").serializedBytes() as [UInt8], headers: headers)  // another key
        try await h.sendRaw(key: nil, value: try h.lead("L-7").serializedBytes() as [UInt8], headers: headers)  // no key
        try await h.send(h.lead("G2"))
        let metrics = TestMetrics()
        var settings = h.settings()
        settings.metricsFactory = metrics
        let (runner, task) = h.start(settings)
        let dead = try await read(h.broker, topic: TierSettings.deadLetterTopic(of: h.input), count: 8)
        let scores = try h.scores(try await read(h.broker, topic: h.output, count: 2))
        runner.stop()
        try await task.value
        await h.close()

        #expect(Set(scores.map(\.lead)) == ["G1", "G2"])
        let classes = dead.map { $0.header(DeadLetter.Header.errorClass) ?? "-" }.sorted()
        #expect(
            classes == [
                "invalid_envelope", "key_mismatch", "key_mismatch", "undecodable", "undecodable", "unknown_event_type",
                "validation_failed", "validation_failed",
            ])
        let mismatch = dead.first { $0.keyString == "P6" }?.header(DeadLetter.Header.reason) ?? ""
        #expect(mismatch.contains("\"P6\"") && mismatch.contains("\"L-6\"") && mismatch.contains("lead_id"), "\(mismatch)")
        #expect(dead.first { $0.key == nil }?.header(DeadLetter.Header.reason)?.contains("without a key") == true)
        for record in dead {
            #expect(record.header(DeadLetter.Header.topic) == h.input)
            #expect(record.header(DeadLetter.Header.offset).flatMap(Int64.init) != nil)
            #expect(record.header(DeadLetter.Header.partition).flatMap(Int32.init) != nil)
            #expect(record.header(DeadLetter.Header.attempts) == "1")
            #expect(record.header(DeadLetter.Header.tier) == "counting")
            #expect(!(record.header(DeadLetter.Header.reason) ?? "").isEmpty)
        }
        let tier = [("tier", "counting")]
        #expect(try metrics.expectCounter("bizflow_tier_consumed_total", tier).totalValue == 10)
        #expect(try metrics.expectCounter("bizflow_tier_dead_lettered_total", tier).totalValue == 8)
        #expect(try metrics.expectCounter("bizflow_tier_produced_total", tier).totalValue == 10, "2 outputs + 8 dead letters")
        #expect(try metrics.expectRecorder("bizflow_tier_batch_size", tier).values.reduce(0, +) == 10)
        #expect(try metrics.expectTimer("bizflow_tier_batch_duration", tier).values.count >= 1)
        #expect(try metrics.expectGauge("bizflow_tier_lag", tier).lastValue == 0)
    }

    @Test("transient failures are retried; when attempts run out the event is dead-lettered and its key parked")
    func retriesAndParking() async throws {
        let h = try RuntimeHarness(partitions: 1)
        try await h.send(h.lead("R1", email: "flaky-2"))  // succeeds on the third attempt
        let stuck = try await h.send(h.lead("R2", email: "down"))  // never succeeds
        try await h.send(h.lead("R2"))  // parked behind it
        try await h.send(h.lead("R3"))  // another key flows
        var settings = h.settings()
        settings.parkKeysOnFailure = true
        let (runner, task) = h.start(settings)
        let scores = try h.scores(try await read(h.broker, topic: h.output, count: 2))
        let dead = try await read(h.broker, topic: TierSettings.deadLetterTopic(of: h.input), count: 2)
        #expect(scores.map(\.lead) == ["R1", "R3"])
        #expect(dead.map { $0.header(DeadLetter.Header.errorClass) } == ["retries_exhausted", "parked"])
        #expect(dead.first?.header(DeadLetter.Header.attempts) == "3")
        #expect(dead.last?.header(DeadLetter.Header.reason)?.contains(stuck.id) == true)

        // Replaying the dead letters in order: the failed event is tried again (and fails again), so the parked
        // one stays behind it.
        for record in dead { _ = try await h.producer.send(try #require(DeadLetter.replay(record))) }
        let again = try await read(h.broker, topic: TierSettings.deadLetterTopic(of: h.input), count: 4)
        runner.stop()
        try await task.value
        await h.close()
        #expect(again.suffix(2).map { $0.header(DeadLetter.Header.errorClass) } == ["retries_exhausted", "parked"])
    }

    @Test("a durable timer fires on the tier's clock and survives a restart", arguments: StateKind.allCases)
    func durableTimers(state: StateKind) async throws {
        let h = try RuntimeHarness(partitions: 1)
        try await h.send(h.lead("T1", title: "timer"))
        var (runner, task) = h.start(h.settings(state: state))
        _ = try await read(h.broker, topic: h.output, count: 1)
        runner.stop()
        try await task.value

        // The timer was scheduled for a minute later; a new process restores it and fires it when time comes.
        (runner, task) = h.start(h.settings(state: state))
        h.clock.advance(by: 61)
        let scores = try h.scores(try await read(h.broker, topic: h.output, count: 2))
        runner.stop()
        try await task.value
        await h.close()
        #expect(scores.map(\.total) == [1, -1])
        #expect(scores.last?.lead == "T1")
    }

    @Test(
        "a key unchanged for the state TTL is forgotten in a committed batch; a restart restores when keys changed",
        arguments: StateKind.allCases)
    func stateExpiry(state: StateKind) async throws {
        let h = try RuntimeHarness(partitions: 1)
        var settings = h.settings(state: state)
        settings.stateTTL = .seconds(3_600)
        @Sendable func committed(_ store: String) async throws -> Set<String> {
            let state = try await StateInspector.read(
                changelog: h.changelog, partitions: 1, store: store, kafka: h.broker.kafkaConfig, logger: testLogger())
            return Set(state.entries[0]?.keys.map { $0 } ?? [])
        }
        try await h.send(h.lead("L0"))
        try await h.send(h.lead("L1"))
        var (runner, task) = h.start(settings)
        _ = try await read(h.broker, topic: h.output, count: 2)
        h.clock.advance(by: 1_800)
        try await h.send(h.lead("L1"))
        _ = try await read(h.broker, topic: h.output, count: 3)

        // 70 minutes after L0 and 40 after L1's last change: an idle tick's sweep forgets L0 (count and dedupe window).
        h.clock.advance(by: 2_400)
        let swept = try await eventually { try await committed("counts") == ["L1"] }
        #expect(swept)
        #expect(try await committed("__seen") == ["L1"])
        runner.stop()
        try await task.value

        // A new process takes L1's change time from the changelog, not from its start: 65 minutes on, L1 goes too.
        (runner, task) = h.start(settings)
        h.clock.advance(by: 1_500)
        try await h.send(h.lead("L0"))
        try await h.send(h.lead("L1"))
        let scores = try h.scores(try await read(h.broker, topic: h.output, count: 5))
        runner.stop()
        try await task.value
        await h.close()
        #expect(scores.map(\.lead) == ["L0", "L1", "L1", "L0", "L1"])
        #expect(scores.map(\.total) == [1, 1, 2, 1, 1], "forgotten keys count from scratch")
    }
}

@Suite("Tier runners sharing a group", .serialized)
struct SharedGroupTests {
    @Test("a second runner joining mid-stream takes partitions with their state; nothing is lost or repeated")
    func rebalanceMidStream() async throws {
        let h = try RuntimeHarness(partitions: 6)
        let leads = 24
        let rounds = 25
        for round in 0..<10 { for i in 0..<leads { try await h.send(h.lead("L\(i)", email: "r\(round)@x.com")) } }
        var settings = h.settings()
        settings.maxBatch = 20
        let (a, taskA) = h.start(settings)
        _ = try await read(h.broker, topic: h.output, count: 60)
        settings.instanceID = "1"
        let (b, taskB) = h.start(settings)
        let shared = await eventually(timeout: .seconds(40)) {
            let (ownedA, ownedB) = (await a.assignment, await b.assignment)
            return !ownedA.isEmpty && !ownedB.isEmpty
        }
        #expect(shared, "both runners own partitions")
        for round in 10..<rounds { for i in 0..<leads { try await h.send(h.lead("L\(i)", email: "r\(round)@x.com")) } }
        let scores = try h.scores(try await read(h.broker, topic: h.output, count: leads * rounds, timeout: .seconds(90)))
        a.stop()
        b.stop()
        try await taskA.value
        try await taskB.value
        await h.close()

        #expect(Set(scores.map(\.id)).count == leads * rounds, "every input produced exactly one output")
        // Each lead's counts run 1…rounds without a gap or a repeat, across the move between runners.
        let byLead = Dictionary(grouping: scores, by: \.lead).mapValues { $0.map(\.total).sorted() }
        #expect(byLead.count == leads)
        for (lead, totals) in byLead { #expect(totals == (1...Int32(rounds)).map { $0 }, "\(lead)") }
    }
}
