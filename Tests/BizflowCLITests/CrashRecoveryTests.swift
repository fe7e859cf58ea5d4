import BizflowEmbeddedBroker
import BizflowEvents
import BizflowKafka
import BizflowRuntime
import BizflowTestSupport
import Foundation
import Testing

@Suite("Crash recovery of tier processes", .serialized)
struct CrashRecoveryTests {
    @Test("a SIGKILLed scoring+assignment process restarts with no duplicate outputs, no gaps, and state intact")
    func killAndRestart() async throws {
        let broker = try await brokerWithTopology()
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: quietLogger())
        let total = 400
        for lead in sampleLeads(total) { _ = try await producer.send(try EventRecord.make(lead, source: "test", topic: "leads.captured").0) }
        let arguments = [
            "run", "scoring", "assignment", "--bootstrap", broker.bootstrapServers, "--instance", "crash-1", "--batch", "10",
        ]
        // 10 ms per broker round trip keeps the stream long enough to kill it midway (unslowed, the embedded broker
        // lets the whole stream finish between two polls of the count below).
        try broker.setRoundTripTime(10)
        let first = try BizflowProcess(arguments)
        // Kill it mid-stream: some leads scored, most not.
        #expect(await eventually(timeout: .seconds(60)) { (try? await recordCount(broker, topic: "leads.scored")) ?? 0 >= 60 })
        await first.kill()
        let scoredAtKill = try await recordCount(broker, topic: "leads.scored")
        #expect(scoredAtKill < Int64(total), "the process was killed mid-stream")
        try broker.setRoundTripTime(0)

        let second = try BizflowProcess(arguments)
        let scored = try await distinctEvents(broker, topic: "leads.scored", leads: total)
        let assigned = try await distinctEvents(broker, topic: "leads.assigned", leads: total)
        #expect(await second.terminate() == 0, "SIGTERM is a clean shutdown")

        // Each lead has exactly one scored event id and one assignment outcome id: a record repeated after the
        // kill (visible on the embedded broker, which keeps aborted writes) carries the same id and is one event.
        #expect(scored.count == total)
        #expect(scored.values.allSatisfy { $0.count == 1 })
        let outcomes = assigned.filter { $0.value.count >= 1 }
        #expect(outcomes.count == total)
        #expect(outcomes.values.allSatisfy { $0.count == 1 })

        // The rep workload restored from the changelog counts each assigned lead once.
        let state = try await StateInspector.read(
            changelog: "assignment.changelog", partitions: 6, store: "workload", kafka: broker.kafkaConfig,
            logger: quietLogger())
        let workload = state.entries.values.flatMap(\.values).compactMap { try? StateDecoder().decode(Int.self, from: $0) }
            .reduce(0, +)
        #expect(workload == (try await assignedLeadCount(broker)))
        await producer.close()
    }

    @Test("a SIGKILLed scoring process that forgets leads as it goes restarts with no duplicate or missing outputs")
    func killWhileExpiring() async throws {
        // The shipped configuration with a 1-day state TTL for scoring, run at 864,000x: a lead is forgotten about a
        // tenth of a second after it was scored, so expiry writes share the transactions the kill tears.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ttl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let shipped = testRepositoryRoot.appendingPathComponent("Topology")
        for file in try FileManager.default.contentsOfDirectory(atPath: shipped.path) where file.hasSuffix(".yaml") {
            var text = try String(contentsOf: shipped.appendingPathComponent(file), encoding: .utf8)
            if file == "topology.yaml" { text = text.replacingOccurrences(of: "state_ttl_days: 180", with: "state_ttl_days: 1") }
            try text.write(to: directory.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        let broker = try await brokerWithTopology()
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: quietLogger())
        let total = 400
        for lead in sampleLeads(total) { _ = try await producer.send(try EventRecord.make(lead, source: "test", topic: "leads.captured").0) }
        let arguments = [
            "run", "scoring", "--bootstrap", broker.bootstrapServers, "--instance", "crash-ttl", "--batch", "10",
            "--topology", directory.appendingPathComponent("topology.yaml").path, "--clock-speed", "864000",
        ]
        @Sendable func remembered() async throws -> Int {
            try await StateInspector.read(
                changelog: "scoring.changelog", partitions: 6, store: "leads", kafka: broker.kafkaConfig,
                logger: quietLogger()
            ).entries.values.map(\.count).reduce(0, +)
        }
        try broker.setRoundTripTime(10)
        let first = try BizflowProcess(arguments)
        // Killed once it is forgetting: more leads scored than remembered.
        let forgetting = await eventually(timeout: .seconds(60)) {
            guard let scored = try? await recordCount(broker, topic: "leads.scored"), scored >= 100,
                let kept = try? await remembered()
            else { return false }
            return Int64(kept) < scored - 20
        }
        await first.kill()
        #expect(forgetting)
        #expect(try await recordCount(broker, topic: "leads.scored") < Int64(total), "the process was killed mid-stream")
        try broker.setRoundTripTime(0)

        let second = try BizflowProcess(arguments)
        let scored = try await distinctEvents(broker, topic: "leads.scored", leads: total)
        let forgotten = await eventually(timeout: .seconds(60)) { (try? await remembered()) == 0 }
        let left = (try? await remembered()) ?? -1
        #expect(await second.terminate() == 0)
        await producer.close()

        #expect(scored.count == total)
        #expect(scored.values.allSatisfy { $0.count == 1 }, "no lead scored twice across the kill")
        #expect(forgotten, "every lead forgotten once a tier day had passed: \(left) left")
    }

    @Test("a tier process whose parent dies stops by itself (BIZFLOW_PARENT_PID), leaving nothing behind")
    func stopsWhenItsParentDies() async throws {
        let broker = try await brokerWithTopology()
        // A shell starts the tier in the background, names itself its parent, prints its pid, and exits: the tier
        // is orphaned, as when a bench, chaos run or test is killed.
        let script = "BIZFLOW_PARENT_PID=$$ '\(bizflowBinary.path)' run scoring --bootstrap \(broker.bootstrapServers) "
            + "--instance orphan >/dev/null 2>&1 & child=$!; echo $child; sleep 3; kill -0 $child && echo alive"
        let shell = try await runCapturing(URL(fileURLWithPath: "/bin/sh"), ["-c", script])
        let lines = shell.stdout.split(separator: "\n")
        let pid = try #require(lines.first.flatMap { pid_t($0) })
        #expect(lines.last == "alive", "the tier ran while its parent lived")
        // Gone, or a zombie nobody reaps (a container's first process may not): either way it stopped.
        let stopped = await eventually(timeout: .seconds(60)) {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
        }
        if !stopped { kill(pid, SIGKILL) }
        #expect(stopped, "the orphaned tier stopped within a minute")
    }

    /// Leads with a LeadAssigned event (distinct).
    func assignedLeadCount(_ broker: EmbeddedBroker) async throws -> Int {
        let count = Int(try await recordCount(broker, topic: "leads.assigned"))
        let records = try await read(broker, topic: "leads.assigned", count: count)
        return Set(records.compactMap { try? EventRecord.decode($0).1 as? LeadAssigned }.map(\.leadID)).count
    }
}
