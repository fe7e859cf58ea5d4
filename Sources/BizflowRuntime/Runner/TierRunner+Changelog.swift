import BizflowKafka

extension TierRunner {
    /// Reads the changelog's `partitions` from `starts` (where given, else their start) to their ends a chunk at a
    /// time, handing each partition its records of a chunk in order, so no read holds a whole changelog. Returns each
    /// partition's watermarks, found before the read, and the records read.
    @discardableResult
    func readChangelog(
        _ partitions: [Int32], from starts: [Int32: Int64] = [:],
        _ take: (_ partition: Int32, _ records: [ChangelogRestorer.Record]) throws -> Void
    ) async throws -> (watermarks: [Int32: (low: Int64, high: Int64)], records: Int) {
        guard !partitions.isEmpty else { return ([:], 0) }
        func tp(_ partition: Int32) -> TopicPartition { TopicPartition(settings.changelog, partition) }
        let cursor = try await PartitionCursor.open(
            from: Dictionary(uniqueKeysWithValues: starts.map { (tp($0.key), $0.value) }), partitions.map(tp),
            kafka: settings.kafka, logger: logger)
        var watermarks: [Int32: (low: Int64, high: Int64)] = [:]
        for partition in partitions { watermarks[partition] = cursor.watermarks[tp(partition)] }
        var read = 0
        do {
            while let chunk = try await cursor.next() {
                read += chunk.count
                var byPartition: [Int32: [ChangelogRestorer.Record]] = [:]
                for message in chunk { byPartition[message.partition, default: []].append(ChangelogRestorer.Record(message)) }
                for (partition, records) in byPartition { try take(partition, records) }
            }
        } catch {
            await cursor.close()
            throw error
        }
        await cursor.close()
        return (watermarks, read)
    }
}
