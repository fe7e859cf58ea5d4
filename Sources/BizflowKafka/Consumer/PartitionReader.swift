import Logging

/// Reads partitions from their first record (or a given offset) to their current end in one piece, outside any
/// consumer group (`PartitionCursor` reads them a chunk at a time). Blocking calls run on a dedicated queue.
public enum PartitionReader {
    /// Every record of `partitions` up to each one's end, in offset order per partition.
    public static func readAll(
        _ partitions: [TopicPartition], kafka: KafkaConfig, readCommitted: Bool = true, logger: Logger,
        timeout: Duration = .seconds(60)
    ) async throws -> [KafkaMessage] {
        try await read(from: [:], partitions, kafka: kafka, readCommitted: readCommitted, logger: logger, timeout: timeout)
            .records
    }

    /// What a read from given offsets found.
    public struct Tail: Sendable {
        /// The records from the start offset to the end, in offset order per partition.
        public var records: [KafkaMessage]
        /// Each partition's watermarks when the read began: the first offset still held and the next offset.
        public var watermarks: [TopicPartition: (low: Int64, high: Int64)]
    }

    /// The records of `partitions` from `starts` (where given, else the beginning) to each one's end, with the
    /// watermarks; a start at or beyond the end reads nothing.
    public static func read(
        from starts: [TopicPartition: Int64], _ partitions: [TopicPartition], kafka: KafkaConfig,
        readCommitted: Bool = true, logger: Logger, timeout: Duration = .seconds(60)
    ) async throws -> Tail {
        guard !partitions.isEmpty else { return Tail(records: [], watermarks: [:]) }
        let cursor = try await PartitionCursor.open(
            from: starts, partitions, kafka: kafka, readCommitted: readCommitted, logger: logger, timeout: timeout)
        do {
            let records = try await cursor.rest()
            await cursor.close()
            return Tail(records: records, watermarks: cursor.watermarks)
        } catch {
            await cursor.close()
            throw error
        }
    }
}
