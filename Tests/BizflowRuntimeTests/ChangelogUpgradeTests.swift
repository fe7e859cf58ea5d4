import BizflowEvents
import BizflowKafka
@testable import BizflowRuntime
import BizflowTestSupport
import Foundation
import Testing

@Suite("A changelog written one record per entry (before grouping) restores and carries on", .serialized)
struct ChangelogUpgradeTests {
    @Test("state from per-entry records is restored, then grouped records take over across a restart")
    func upgrade() async throws {
        let h = try RuntimeHarness(partitions: 1)
        // What the previous version left: a count of 5 for L1 and 2 for L2, committed with a marker at offset 0.
        let txn = [KafkaHeader(CommitMarker.txnHeader, "old:0")]
        let old = [("L1", 5), ("L2", 2)].map { key, count in
            ProducerMessage(
                topic: h.changelog, partition: 0, key: StateKey("counts", key).recordKey,
                value: (try? StateEncoder().encode(count)) ?? [], headers: txn)
        }
        let marker = ProducerMessage(
            topic: h.changelog, partition: 0, key: CommitMarker.recordKey,
            value: CommitMarker(txn: "old:0", offsets: [h.input: 0], aborted: []).bytes, headers: txn)
        try await h.producer.sendBatch(old + [marker])
        try await h.producer.flush()

        try await h.send(h.lead("L1"))
        var (runner, task) = h.start(h.settings())
        let first = try h.scores(try await read(h.broker, topic: h.output, count: 1))
        runner.stop()
        try await task.value
        #expect(first.map(\.total) == [6], "the old count went on")

        // Restarted: L1 now has a group record after its old entry; L2 only its old entry.
        try await h.send(h.lead("L1"))
        try await h.send(h.lead("L2"))
        (runner, task) = h.start(h.settings())
        let all = try h.scores(try await read(h.broker, topic: h.output, count: 3))
        runner.stop()
        try await task.value
        await h.close()
        #expect(all.map(\.total) == [6, 7, 3])
    }
}
