import BizflowKafka
import Foundation

extension TierEngine {
    /// What a persistent partition's store must record as its owner: a store of another tier, changelog or partition,
    /// or written with expiry set differently (its index would be missing), is not used.
    func localIdentity(_ partition: Int32) -> String {
        "tier=\(settings.name) changelog=\(settings.changelog) partition=\(partition) expiry=\(settings.stateTTL == nil ? "off" : "on")"
    }

    /// Rebuilds `partition` over its local store and takes it on (see `write`). Returns the keys written, nil when the
    /// records cannot be applied from the checkpoint.
    mutating func restore(
        _ partition: Int32, over local: PersistentPartition, from records: [ChangelogRestorer.Record],
        checkpoint: StateCheckpoint?, now: Double, cacheLimit: Int
    ) throws -> Int? {
        guard let (restorer, keys) = try write(partition, into: local, from: records, checkpoint: checkpoint, now: now) else {
            return nil
        }
        let store = PartitionStore(partition: partition, local: local, cacheLimit: cacheLimit)
        store.hasLegacyEntries = (try local.meta(.legacy)) == [1]
        store.nextIndexedDue = try local.firstTimerDue()
        install(store, restoredBy: restorer)
        return keys
    }

    /// Writes changelog records into a partition's local store. With `checkpoint`, `records` are the changelog from
    /// the checkpoint's marker on and only their changes are written (nil is returned when they do not start with that
    /// marker, or hold records of the old per-entry format: restore fully instead); without, `records` are the whole
    /// changelog and the store is empty. Returns the restorer and the keys written.
    func write(
        _ partition: Int32, into local: PersistentPartition, from records: [ChangelogRestorer.Record],
        checkpoint: StateCheckpoint?, now: Double
    ) throws -> (ChangelogRestorer, Int)? {
        if let checkpoint {
            guard let first = records.first, first.offset == checkpoint.markerOffset, first.key == CommitMarker.recordKey,
                CommitMarker(bytes: first.value)?.txn == checkpoint.txn
            else { return nil }
        }
        let restorer = ChangelogRestorer(records, knownAborted: knownAborted)
        try restorer.check(partition: partition, changelog: settings.changelog)
        if checkpoint != nil && restorer.legacyEntries { return nil }
        let nowMs = Int64((now * 1_000).rounded())
        var groups: [(key: String, value: [UInt8])] = []
        var timers: [String: Double] = [:]
        groups.reserveCapacity(restorer.groups.count)
        for key in restorer.groups.keys {
            guard let kept = restorer.kept(key) else {
                if checkpoint != nil { groups.append((key, [])) }  // deleted since the checkpoint
                continue
            }
            let time = settings.stateTTL == nil ? nil : restorer.writtenAt[key] ?? nowMs
            groups.append((key, ChangelogGroup.encode(kept, changedAt: time)))
            if let bytes = kept.first(where: { $0.store == DurableTimer.store })?.value, let timer = DurableTimer(bytes: bytes) {
                timers[key] = timer.due
            }
        }
        // In slices, so a large restore never holds one huge write; the checkpoint goes with the last.
        let slice = 20_000
        var start = 0
        repeat {
            let end = min(start + slice, groups.count)
            let last = end == groups.count
            let part = Array(groups[start..<end])
            var partTimers: [String: Double] = [:]
            for (key, _) in part { if let due = timers[key] { partTimers[key] = due } }
            try local.persist(part, timers: partTimers, checkpoint: last ? restorer.lastMarker ?? checkpoint : nil)
            start = end
        } while start < groups.count
        if checkpoint == nil { try local.markOpen(identity: localIdentity(partition), legacy: restorer.legacyEntries) }
        return (restorer, groups.count)
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
