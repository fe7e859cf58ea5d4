import BizflowKafka
import Foundation

extension TierEngine {
    /// Partitions taken away (between batches): their positions, and the stores no input partition needs any more
    /// (returned, for the runner to close).
    @discardableResult
    mutating func revoke(_ partitions: [TopicPartition]) -> [PartitionStore] {
        for tp in partitions {
            owned.remove(tp)
            positions[tp] = nil
        }
        let keep = Set(owned.map(\.partition))
        var dropped: [PartitionStore] = []
        for partition in stores.keys where !keep.contains(partition) {
            dropped.append(stores[partition]!)
            stores[partition] = nil
            pendingAborted[partition] = nil
        }
        return dropped
    }

    /// Partitions given (between batches); returns the partition numbers whose state must be restored first.
    mutating func assign(_ partitions: [TopicPartition]) -> [Int32] {
        owned.formUnion(partitions)
        return Set(partitions.map(\.partition)).subtracting(stores.keys).sorted()
    }

    /// Where the consumer starts reading `partitions`: the restored positions, where known.
    func startOffsets(_ partitions: [TopicPartition]) -> [TopicPartition: Int64] {
        var start: [TopicPartition: Int64] = [:]
        for tp in partitions { if let offset = positions[tp] { start[tp] = offset } }
        return start
    }

    /// Takes on the in-memory store of `partition` that `restorer` rebuilt from the whole changelog (finished), with the
    /// input positions from its markers; `now` (the tier clock's seconds) is when keys whose records carry no time
    /// count as changed. Returns the entries restored.
    mutating func restore(_ partition: Int32, restoredBy restorer: ChangelogRestorer, now: Double) -> Int {
        let store = PartitionStore(partition: partition)
        // Both are built from the restorer's groups: once each, not once per key.
        let state = restorer.state
        for (key, value) in state { store.restore(key, value) }
        if settings.stateTTL != nil {
            let changedAt = restorer.changedAt
            for key in Set(state.keys.map(\.key)) { store.restore(changedAt: changedAt[key] ?? now, of: key) }
        }
        store.hasLegacyEntries = restorer.legacyEntries
        install(store, restoredBy: restorer)
        return store.count
    }

    /// Takes a restored store on: its batches still to list as aborted, and the input positions its markers give.
    mutating func install(_ store: PartitionStore, restoredBy restorer: ChangelogRestorer) {
        store.finishRestore()
        stores[store.partition] = store
        pendingAborted[store.partition, default: []].formUnion(restorer.uncommittedTail)
        for input in settings.inputs {
            positions[TopicPartition(input, store.partition)] = restorer.offsets[input]
        }
    }
}
