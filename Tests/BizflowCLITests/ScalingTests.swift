import BizflowEmbeddedBroker
import BizflowEvents
import BizflowKafka
import BizflowRuntime
import BizflowTestSupport
import Foundation
import Testing

@Suite("Scaling a tier's consumer group across processes", .serialized)
struct ScalingTests {
    /// What `bizflow ops groups --json` says about one group.
    struct GroupView {
        var live = 0
        var stale = 0
        var covered = 0
        /// Live members that own at least one partition.
        var owning = 0
    }

    func ops(_ arguments: [String], _ broker: EmbeddedBroker) async throws -> Any {
        let result = try await runCapturing(
            bizflowBinary, ["ops"] + arguments + ["--json", "--bootstrap", broker.bootstrapServers])
        guard result.status == 0 else { throw CommandFailed(status: result.status, stderr: result.stderr) }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    struct CommandFailed: Error { var status: Int32; var stderr: String }

    func scoringGroup(_ broker: EmbeddedBroker) async throws -> GroupView {
        let groups = try await ops(["groups", "--group", "bizflow-scoring"], broker) as? [[String: Any]] ?? []
        guard let group = groups.first else { return GroupView() }
        let members = group["members"] as? [[String: Any]] ?? []
        return GroupView(
            live: group["live_members"] as? Int ?? 0,
            stale: members.filter { $0["state"] as? String == "stale" }.count,
            covered: group["covered_partitions"] as? Int ?? 0,
            owning: members.filter {
                $0["state"] as? String == "running" && !(($0["assignment"] as? [String: [Int]]) ?? [:]).isEmpty
            }.count)
    }

    func scoringLag(_ broker: EmbeddedBroker) async throws -> Int? {
        (try await ops(["lag", "--group", "bizflow-scoring"], broker) as? [String: Any])?["total_lag"] as? Int
    }

    func send(_ leads: [LeadCaptured], _ producer: KafkaProducer) async throws {
        _ = try await producer.sendAll(try leads.map { try EventRecord.make($0, source: "test", topic: "leads.captured").0 })
    }

    @Test("three scoring processes share the group; one SIGKILLed mid-stream: the other two take over, no lead lost or scored twice; ops lag and ops groups report it")
    func killOneOfThree() async throws {
        let broker = try await brokerWithTopology()
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: quietLogger())
        let before = 6_000, after = 3_000
        try await send(sampleLeads(before), producer)
        #expect(try await scoringLag(broker) == before, "ops lag reports the backlog the test created")

        let processes = try (1...3).map { slot in
            try BizflowProcess([
                "run", "scoring", "--bootstrap", broker.bootstrapServers, "--instance", "scale-\(slot)", "--batch", "20",
            ])
        }
        let joined = await eventually(timeout: .seconds(90)) {
            let view = (try? await scoringGroup(broker)) ?? GroupView()
            return view.live == 3 && view.owning == 3 && view.covered == 6
        }
        #expect(joined, "ops groups shows three members sharing the six partitions")

        await processes[1].kill()
        let killedAt = ContinuousClock.now
        let scoredAtKill = try await recordCount(broker, topic: "leads.scored")
        // Leads sent after the kill land on the dead member's partitions too: only a takeover scores them.
        try await send(sampleLeads(after, from: before), producer)

        let takenOver = await eventually(timeout: .seconds(90)) {
            let view = (try? await scoringGroup(broker)) ?? GroupView()
            return view.live == 2 && view.stale == 1 && view.owning == 2 && view.covered == 6
        }
        let takeover = ContinuousClock.now - killedAt
        #expect(takenOver, "ops groups shows the killed member stale and the two others owning all six partitions")
        #expect(takeover < .seconds(60), "took \(takeover): the session timeout is 10 s")

        let scored = try await distinctEvents(broker, topic: "leads.scored", leads: before + after)
        #expect(scoredAtKill < Int64(before + after))
        #expect(scored.count == before + after, "no lead lost")
        #expect(scored.values.allSatisfy { $0.count == 1 }, "no lead scored twice")
        #expect(await eventually(timeout: .seconds(30)) { (try? await scoringLag(broker)) == 0 }, "ops lag drops to 0")

        for process in [processes[0], processes[2]] { #expect(await process.terminate() == 0) }
        #expect(
            await eventually(timeout: .seconds(20)) { (try? await scoringGroup(broker))?.live == 0 },
            "members that stop cleanly leave the status topic")
        await producer.close()
    }
}
