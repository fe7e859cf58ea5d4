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
        let partitions = opened.map { TopicPartition(settings.changelog, $0.partition) }
        var starts: [TopicPartition: Int64] = [:]
        for entry in opened { if let checkpoint = entry.checkpoint { starts[TopicPartition(settings.changelog, entry.partition)] = checkpoint.markerOffset } }
        do {
            let tail = try await PartitionReader.read(from: starts, partitions, kafka: settings.kafka, logger: logger)
            var byPartition: [Int32: [ChangelogRestorer.Record]] = [:]
            for record in tail.records { byPartition[record.partition, default: []].append(ChangelogRestorer.Record(record)) }
            let now = settings.clock.now().timeIntervalSince1970
            for entry in opened {
                var records = byPartition[entry.partition] ?? []
                if let last = records.lastIndex(where: { $0.key == CommitMarker.recordKey }) { records = Array(records[..<last]) }
                var local = entry.local
                if let checkpoint = entry.checkpoint {
                    if Self.problem(with: checkpoint, in: tail.watermarks[TopicPartition(settings.changelog, entry.partition)]) != nil {
                        local = try wipe(local, entry.directory)  // read from the start next time
                    } else if !records.isEmpty,
                        try engine.write(entry.partition, into: local, from: records, checkpoint: checkpoint, now: now) == nil
                    {
                        local = try wipe(local, entry.directory)
                    }
                } else {
                    _ = try engine.write(entry.partition, into: local, from: records, checkpoint: nil, now: now)
                }
                local.close(clean: true)
            }
            metrics.standbyRecords.increment(by: tail.records.count)
        } catch {
            for entry in opened { entry.local.close(clean: false) }  // restored fully when next opened
            logger.warning("standby refresh failed: retrying", metadata: ["error": "\(error)"])
        }
    }
}
