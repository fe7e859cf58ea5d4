import BizflowKafka
import Foundation

extension TierRunner {
    /// Brings the warm copies of the partitions this process does not own (standby replicas) up to their changelogs:
    /// every store from its checkpoint, all read in one pass, then closed cleanly, so taking a partition over reads
    /// only what came after. A partition another process of this machine holds is skipped (its owner keeps the store
    /// current). The last batch of each read waits for the next refresh: until a later marker follows it, a broker
    /// that shows aborted writes (the embedded one) cannot tell its commit from an abort.
    func refreshStandbys() async {
        let owned = Set(engine.owned.map(\.partition))
        var opened: [(partition: Int32, directory: String, local: PersistentPartition, checkpoint: StateCheckpoint?)] = []
        for partition in settings.standbyPartitions where !owned.contains(partition) {
            guard let directory = localDirectory(partition), let (local, checkpoint, _) = openLocal(partition, directory, quiet: true)
            else { continue }
            opened.append((partition, directory, local, checkpoint))
        }
        guard !opened.isEmpty else { return }
        let now = settings.clock.now().timeIntervalSince1970
        var restores: [Int32: LocalRestore] = [:]
        for entry in opened {
            restores[entry.partition] = LocalRestore(entry.partition, into: entry.local, checkpoint: entry.checkpoint, engine: engine, now: now)
        }
        do {
            let read = try await readChangelog(opened.map(\.partition), from: restores.compactMapValues { $0.checkpoint?.markerOffset }) {
                partition, records in try restores[partition]?.add(records)
            }
            for entry in opened {
                var restore = restores[entry.partition]!
                var local = entry.local
                if let checkpoint = entry.checkpoint, Self.problem(with: checkpoint, in: read.watermarks[entry.partition]) != nil {
                    local = try wipe(local, entry.directory)  // read from the start next time
                } else {
                    try restore.finish(settleLast: false)
                    if restore.refused != nil { local = try wipe(local, entry.directory) }
                }
                local.close(clean: true)
            }
            metrics.standbyRecords.increment(by: read.records)
        } catch {
            for entry in opened { entry.local.close(clean: false) }  // restored fully when next opened
            logger.warning("standby refresh failed: retrying", metadata: ["error": "\(error)"])
        }
    }
}
