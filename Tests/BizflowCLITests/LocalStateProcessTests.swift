import BizflowEmbeddedBroker
import BizflowEvents
import BizflowKafka
import BizflowRuntime
import BizflowTestSupport
import Foundation
import Testing

@Suite("Tier state on local disk across process restarts", .serialized)
struct LocalStateProcessTests {
    @Test("a killed process's stores are restored fully; after a clean stop ops state shows the checkpoints and a restart reads only the tail")
    func restarts() async throws {
        let broker = try await brokerWithTopology()
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: quietLogger())
        let state = BizflowProcess.newStateDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        let total = 300
        for lead in sampleLeads(total) { _ = try await producer.send(try EventRecord.make(lead, source: "test", topic: "leads.captured").0) }
        let arguments = [
            "run", "scoring", "--bootstrap", broker.bootstrapServers, "--instance", "state-1", "--batch", "10", "--log-level", "info",
        ]
        try broker.setRoundTripTime(10)  // a stream long enough to kill midway
        let first = try BizflowProcess(arguments, stateDirectory: state)
        #expect(await eventually(timeout: .seconds(60)) { (try? await recordCount(broker, topic: "leads.scored")) ?? 0 >= 40 })
        await first.kill()
        try broker.setRoundTripTime(0)

        let second = try BizflowProcess(arguments, stateDirectory: state)
        let scored = try await distinctEvents(broker, topic: "leads.scored", leads: total)
        #expect(await second.terminate() == 0, "SIGTERM is a clean shutdown")
        #expect(scored.count == total && scored.values.allSatisfy { $0.count == 1 }, "each lead scored once across the kill")
        #expect(second.logTail(lines: 100_000).contains("not closed cleanly"), "the killed process's stores are not trusted")

        // Closed cleanly: every scoring partition has a checkpoint a restart would read from, 1-2 records from the end.
        let report = try await runCapturing(
            bizflowBinary, ["ops", "state", "--state-dir", state.path, "--bootstrap", broker.bootstrapServers, "--json"])
        #expect(report.status == 0, "\(report.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any]
        let stores = (json?["stores"] as? [[String: Any]] ?? []).filter { $0["group"] as? String == "bizflow-scoring" }
        #expect(stores.count == 6, "\(report.stdout)")
        #expect(stores.allSatisfy { $0["closed_cleanly"] as? Bool == true && $0["checkpoint"] is Int }, "\(stores)")
        #expect(stores.allSatisfy { ($0["restore_lag"] as? Int ?? 99) <= 2 }, "\(stores)")

        // A third start reads each partition from its checkpoint, and goes on scoring.
        let third = try BizflowProcess(arguments, stateDirectory: state)
        let more = sampleLeads(20, from: total)
        for lead in more { _ = try await producer.send(try EventRecord.make(lead, source: "test", topic: "leads.captured").0) }
        let after = try await distinctEvents(broker, topic: "leads.scored", leads: total + more.count)
        #expect(await third.terminate() == 0)
        #expect(after.count == total + more.count && after.values.allSatisfy { $0.count == 1 })
        let restored = third.logTail(lines: 100_000).split(separator: "\n").filter { $0.contains("state restored") }
        #expect(restored.count == 6 && restored.allSatisfy { $0.contains("from=checkpoint") }, "\(restored)")
        await producer.close()
    }
}
