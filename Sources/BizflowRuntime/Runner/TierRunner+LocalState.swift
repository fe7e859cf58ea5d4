import BizflowKafka
import BizflowLocalStore
import Foundation
import Logging

extension TierRunner {
    /// The directory of a partition's local store: one per consumer group (a tier, under its topic prefix) and
    /// partition. Processes of one machine take turns with it as the partition moves between them (a lock keeps two
    /// from using it at once).
    func localDirectory(_ partition: Int32) -> String? {
        settings.stateDirectory.map { root in
            ((root as NSString).appendingPathComponent(settings.groupID) as NSString).appendingPathComponent("\(partition)")
        }
    }

    /// Restores partitions over their local stores: from each checkpoint where the store is usable and the changelog
    /// holds it (every tail in one read), else wiped and from the whole changelog (those in one read too), each read a
    /// chunk at a time; in memory when no store can be had (another process holds the directory, or it cannot be
    /// created).
    func restoreLocal(_ partitions: [Int32]) async throws {
        let clock = ContinuousClock.now
        var opened: [Int32: (local: PersistentPartition, checkpoint: StateCheckpoint?, reason: String?, directory: String)] = [:]
        var inMemory: [Int32] = []
        for partition in partitions {
            if let directory = localDirectory(partition), let (local, checkpoint, reason) = openLocal(partition, directory) {
                opened[partition] = (local, checkpoint, reason, directory)
            } else {
                inMemory.append(partition)
            }
        }
        if !inMemory.isEmpty { try await restoreInMemory(inMemory) }
        let now = settings.clock.now().timeIntervalSince1970
        var full: [Int32: (local: PersistentPartition, reason: String?, read: Int)] = [:]
        var tails: [Int32: LocalRestore] = [:]
        for (partition, entry) in opened {
            if let checkpoint = entry.checkpoint {
                tails[partition] = LocalRestore(partition, into: entry.local, checkpoint: checkpoint, engine: engine, now: now)
            } else {
                full[partition] = (entry.local, entry.reason, 0)
            }
        }
        let read = try await readChangelog(tails.keys.sorted(), from: tails.mapValues { $0.checkpoint!.markerOffset }) {
            partition, records in try tails[partition]?.add(records)
        }
        for (partition, var restore) in tails {
            try restore.finish(settleLast: true)
            let reason = Self.problem(with: restore.checkpoint!, in: read.watermarks[partition]) ?? restore.refused
            guard let reason else {
                try engine.install(restore, cacheLimit: settings.stateCacheKeys)
                note(RestoreNote(partition: partition, fromCheckpoint: true, reason: nil, records: restore.records), keys: restore.keys, since: clock)
                continue
            }
            logger.warning("local state refused: restoring fully", metadata: ["partition": "\(partition)", "why": "\(reason)"])
            let entry = opened[partition]!
            full[partition] = (try wipe(entry.local, entry.directory), reason, restore.records)
        }
        var restores: [Int32: LocalRestore] = [:]
        for (partition, entry) in full {
            restores[partition] = LocalRestore(partition, into: entry.local, checkpoint: nil, engine: engine, now: now)
        }
        try await readChangelog(full.keys.sorted()) { partition, records in try restores[partition]?.add(records) }
        for (partition, var restore) in restores {
            try restore.finish(settleLast: true)
            try engine.install(restore, cacheLimit: settings.stateCacheKeys)
            let entry = full[partition]!
            note(
                RestoreNote(partition: partition, fromCheckpoint: false, reason: entry.reason, records: entry.read + restore.records),
                keys: restore.keys, since: clock)
        }
    }

    /// Why a checkpoint cannot be restored from, given its changelog partition's watermarks; nil when it can.
    static func problem(with checkpoint: StateCheckpoint, in watermarks: (low: Int64, high: Int64)?) -> String? {
        let (low, high) = watermarks ?? (0, 0)
        if checkpoint.markerOffset >= high {
            return "its checkpoint (\(checkpoint)) is ahead of the changelog's end (\(high)): a recreated topic, or a store from elsewhere"
        }
        if checkpoint.markerOffset < low {
            return "the changelog no longer holds its checkpoint's offset \(checkpoint.markerOffset) (it starts at \(low))"
        }
        return nil
    }

    /// Opens the store and judges it: the checkpoint to restore from, or nil (wiped) with the reason. `quiet`: a
    /// directory another process holds is skipped without a warning (standby refreshes).
    func openLocal(_ partition: Int32, _ directory: String, quiet: Bool = false) -> (PersistentPartition, StateCheckpoint?, String?)? {
        do {
            guard let lock = try StoreDirectoryLock(directory: directory) else {
                if quiet { return nil }
                logger.warning(
                    "state directory held by another process: this partition's state is kept in memory",
                    metadata: ["partition": "\(partition)", "directory": "\(directory)"])
                return nil
            }
            let identity = engine.localIdentity(partition)
            var why: String?
            var local: PersistentPartition
            do {
                local = try openStore(directory, lock)
                let owner = try local.meta(.identity).map { String(decoding: $0, as: UTF8.self) }
                if owner == nil {
                    why = Self.noLocalState
                } else if owner != identity {
                    why = "it belongs elsewhere (\(owner!))"
                } else if try local.meta(.clean) != [1] {
                    why = "it was not closed cleanly (a crash or a kill)"
                } else if local.checkpoint == nil {
                    why = "it has no checkpoint"
                }
                if why != nil { local = try wipe(local, directory) }
            } catch let error as LocalStoreError {
                // Truncated, corrupt, another format: nothing in it can be trusted; the changelog has it all.
                why = "it is unreadable (\(error.reason))"
                Self.removeStoreFiles(directory)
                local = try openStore(directory, lock)
            }
            let checkpoint = why == nil ? local.checkpoint : nil
            try local.markOpen(identity: identity)
            return (local, checkpoint, why)
        } catch {
            logger.error(
                "cannot open the local state store: this partition's state is kept in memory",
                metadata: ["partition": "\(partition)", "error": "\(error)"])
            return nil
        }
    }

    /// Deletes the store's files and opens an empty one in their place (the directory lock is kept). It records no
    /// owner: a restore into it does, and a store left so is restored fully when next opened.
    func wipe(_ local: PersistentPartition, _ directory: String) throws -> PersistentPartition {
        local.close(clean: false)
        Self.removeStoreFiles(directory)
        return try openStore(directory, local.lock)
    }

    /// The LMDB store of a partition directory whose lock this process holds.
    private func openStore(_ directory: String, _ lock: StoreDirectoryLock) throws -> PersistentPartition {
        try PersistentPartition(
            store: LMDBStore(directory: directory), lock: lock, directory: directory, expiryIndexed: settings.stateTTL != nil)
    }

    static let noLocalState = "no local state yet"

    private static func removeStoreFiles(_ directory: String) {
        for file in ["data.mdb", "lock.mdb"] {
            try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(file))
        }
    }

    private func note(_ restore: RestoreNote, keys: Int, since clock: ContinuousClock.Instant) {
        restores.append(restore)
        metrics.restoredRecords.increment(by: restore.records)
        var metadata: Logger.Metadata = [
            "partition": "\(restore.partition)", "records": "\(restore.records)", "keys": "\(keys)",
            "from": "\(restore.fromCheckpoint ? "checkpoint" : "changelog start")", "took": "\(ContinuousClock.now - clock)",
        ]
        if let reason = restore.reason { metadata["why"] = "\(reason)" }
        // A store found unusable is worth an operator's notice (a first start is not).
        let wiped = restore.reason != nil && restore.reason != Self.noLocalState
        logger.log(level: wiped ? .notice : .info, "state restored", metadata: metadata)
    }

    /// After a commit: the local stores take the batch. A store that fails is dropped and its partition restored
    /// again (wiped, from the changelog), which the commit already holds.
    func persist(_ plan: CommitPlan, markers: [DeliveryReport]) async {
        guard settings.stateDirectory != nil else { return }
        do {
            try engine.persist(plan, markers: markers)
        } catch {
            logger.error("local state store write failed: restoring from the changelog", metadata: ["error": "\(error)"])
            let partitions = plan.touched.sorted()
            for partition in partitions { engine.stores.removeValue(forKey: partition)?.local?.close(clean: false) }
            do { try await restore(partitions) } catch {
                logger.error("cannot restore state: the tier stops", metadata: ["error": "\(error)"])
                stop()
            }
        }
    }

    /// Closes dropped stores: cleanly unless a read of theirs failed (then the next open restores fully).
    func close(_ stores: [PartitionStore]) {
        for store in stores { store.local?.close(clean: store.failure == nil) }
    }

    /// Closes every store at shutdown; `clean` when the last batch committed.
    func closeStores(clean: Bool) {
        for store in engine.stores.values { store.local?.close(clean: clean && store.failure == nil) }
        engine.stores.removeAll()
    }
}
