import BizflowKafka
import Foundation

extension TierEngine {
    /// The batch's writes, or nil when it touched no partition. With expiry on, the batch's time is when its keys
    /// changed, in the store and in their changelog records (a restore reads it from them).
    mutating func plan() -> CommitPlan? {
        guard !touched.isEmpty else { return nil }
        let txn = "\(incarnation):\(sequence)"
        sequence += 1
        let txnHeader = [KafkaHeader(CommitMarker.txnHeader, Array(txn.utf8))]
        var changelog: [ProducerMessage] = []
        var markers: [ProducerMessage] = []
        var offsets: [TopicPartitionOffset] = []
        let changeTime = settings.stateTTL == nil ? nil : now.timeIntervalSince1970
        let changeTimeMs = changeTime.map { Int64(($0 * 1_000).rounded()) }
        for partition in touched.sorted() {
            guard let store = stores[partition] else { continue }
            for (key, entries) in store.takeDirty(changedAt: changeTime) {
                var record = ProducerMessage(
                    topic: settings.changelog, partition: partition, key: ChangelogGroup.recordKey(key),
                    value: ChangelogGroup.encode(entries, changedAt: changeTimeMs), headers: txnHeader)
                // A key left with nothing is a tombstone, so compaction drops it, unless per-entry records of it
                // could resurface.
                record.isTombstone = entries.isEmpty && !store.hasLegacyEntries
                changelog.append(record)
            }
            var inputOffsets: [String: Int64] = [:]
            for input in settings.inputs {
                let tp = TopicPartition(input, partition)
                if let offset = positions[tp], owned.contains(tp) {
                    inputOffsets[input] = offset
                    offsets.append(TopicPartitionOffset(tp, offset: offset))
                }
            }
            let marker = CommitMarker(txn: txn, offsets: inputOffsets, aborted: (pendingAborted[partition] ?? []).sorted())
            markers.append(
                ProducerMessage(
                    topic: settings.changelog, partition: partition, key: CommitMarker.recordKey, value: marker.bytes,
                    headers: txnHeader))
        }
        return CommitPlan(
            txn: txn, outputs: output, changelog: changelog, markers: markers, offsets: offsets, touched: touched)
    }

    /// The plan's batch is committed: the aborted batches its markers listed need not be listed again.
    mutating func committed(_ plan: CommitPlan) {
        for partition in plan.touched { pendingAborted[partition] = [] }
    }

    /// The plan's batch failed: its in-memory effects go with the touched partitions' stores (returned, for the
    /// runner to close), which must be restored from the changelog (ignoring the batch's visible writes) before the
    /// consumer is rewound to `rewindTargets`.
    @discardableResult
    mutating func abandon(_ plan: CommitPlan) -> [PartitionStore] {
        knownAborted.insert(plan.txn)
        var dropped: [PartitionStore] = []
        for partition in plan.touched {
            if let store = stores.removeValue(forKey: partition) { dropped.append(store) }
            pendingAborted[partition, default: []].insert(plan.txn)
        }
        return dropped
    }

    /// Where to rewind the consumer for `partitions` after their restore: the restored positions (-2: the beginning).
    func rewindTargets(_ partitions: Set<Int32>) -> [TopicPartitionOffset] {
        owned.filter { partitions.contains($0.partition) }.map { TopicPartitionOffset($0, offset: positions[$0] ?? Int64(-2)) }
    }
}
