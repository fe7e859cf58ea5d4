import BizflowKafka
import BizflowRuntime
import BizflowTestSupport
import Foundation
import Testing

@Suite("Standby replicas", .serialized)
struct StandbyTests {
    @Test("a process keeping standby copies takes over a stopped owner's partitions from its copies' checkpoints")
    func failoverFromStandby() async throws {
        let h = try RuntimeHarness()
        for i in 0..<30 { try await h.send(h.lead("L\(i % 6)")) }
        // Two processes on two machines: state directories of their own; only B keeps standby copies.
        var owner = h.settings(instance: "a", state: .disk)
        owner.stateDirectory = h.stateDirectory + "/a"
        var standby = h.settings(instance: "b", state: .disk)
        standby.stateDirectory = h.stateDirectory + "/b"
        standby.standbyPartitions = [0, 1, 2]
        standby.standbyInterval = .milliseconds(200)
        let (a, aTask) = h.start(owner)
        _ = try await read(h.broker, topic: h.output, count: 30)
        let (b, bTask) = h.start(standby)
        #expect(await eventually(timeout: .seconds(30)) {
            let (ownedByA, ownedByB) = (await a.assignment, await b.assignment)
            return !ownedByA.isEmpty && !ownedByB.isEmpty
        })
        for i in 0..<12 { try await h.send(h.lead("L\(i % 6)")) }
        _ = try await read(h.broker, topic: h.output, count: 42)
        let aOwned = Set(await a.assignment.map(\.partition))
        // B's copies of A's partitions hold a checkpoint, closed cleanly between refreshes.
        let root = h.stateDirectory + "/b"
        #expect(await eventually(timeout: .seconds(30)) {
            let copies = LocalStateSummary.read(root: root).filter { aOwned.contains($0.partition) }
            return copies.count == aOwned.count && copies.allSatisfy { $0.checkpoint != nil }
        })

        a.stop()
        try await aTask.value
        #expect(await eventually(timeout: .seconds(30)) { let owned = await b.assignment; return owned.count == 3 })
        for i in 0..<6 { try await h.send(h.lead("L\(i)")) }
        let all = try h.scores(try await read(h.broker, topic: h.output, count: 48))
        b.stop()
        try await bTask.value
        await h.close()

        let takeovers = await b.restores.filter { aOwned.contains($0.partition) }
        #expect(!takeovers.isEmpty && takeovers.allSatisfy { $0.fromCheckpoint && $0.reason == nil }, "\(takeovers)")
        #expect(Set(all.map(\.id)).count == 48, "nothing emitted twice")
        let latest = Dictionary(all.map { ($0.lead, $0.total) }, uniquingKeysWith: max)
        #expect(latest == Dictionary(uniqueKeysWithValues: (0..<6).map { ("L\($0)", Int32(8)) }), "counts carried over")
    }
}
