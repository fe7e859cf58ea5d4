import BizflowKafka
import Foundation

extension TierEngine {
    /// What a persistent partition's store must record as its owner: a store of another tier, changelog or partition,
    /// or written with expiry set differently (its index would be missing), is not used.
    func localIdentity(_ partition: Int32) -> String {
        "tier=\(settings.name) changelog=\(settings.changelog) partition=\(partition) expiry=\(settings.stateTTL == nil ? "off" : "on")"
    }

    /// Takes on a partition restored into its local store.
    mutating func install(_ restore: LocalRestore, cacheLimit: Int) throws {
        let store = PartitionStore(partition: restore.partition, local: restore.local, cacheLimit: cacheLimit)
        store.hasLegacyEntries = (try restore.local.meta(.legacy)) == [1]
        store.nextIndexedDue = try restore.local.firstTimerDue()
        install(store, restoredBy: restore.restorer)
    }

    /// After the plan's transaction committed: each touched partition's local store takes the batch's changes with a
    /// checkpoint at the partition's commit marker (`markers`: the marker records' delivery reports).
    func persist(_ plan: CommitPlan, markers: [DeliveryReport]) throws {
        for partition in plan.touched {
            guard let store = stores[partition], store.local != nil else { continue }
            let marker = markers.first { $0.partition == partition }
            try store.persist(plan.changelog, checkpoint: marker.map { StateCheckpoint(markerOffset: $0.offset, txn: plan.txn) })
        }
    }

    /// The first local store read that failed in the plan's partitions (the batch must not commit on state it could
    /// not read).
    func storeFailure(_ plan: CommitPlan) -> (any Error)? {
        plan.touched.lazy.compactMap { stores[$0]?.failure }.first
    }
}
