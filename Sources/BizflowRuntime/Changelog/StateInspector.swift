import BizflowKafka
import Logging

/// Reads a tier's committed state straight from its changelog, as a restore would see it (for tools and tests).
public enum StateInspector {
    /// The committed entries of one store, per partition, and the input offsets each partition's state includes.
    public static func read(
        changelog: String, partitions: Int, store: String, kafka: KafkaConfig, logger: Logger
    ) async throws -> (entries: [Int32: [String: [UInt8]]], offsets: [Int32: [String: Int64]]) {
        let records = try await PartitionReader.readAll(
            (0..<partitions).map { TopicPartition(changelog, Int32($0)) }, kafka: kafka, logger: logger)
        var entries: [Int32: [String: [UInt8]]] = [:]
        var offsets: [Int32: [String: Int64]] = [:]
        for partition in 0..<Int32(partitions) {
            let restorer = ChangelogRestorer(records.filter { $0.partition == partition }.map(ChangelogRestorer.Record.init))
            try restorer.check(partition: partition, changelog: changelog)
            entries[partition] = Dictionary(
                uniqueKeysWithValues: restorer.state.filter { $0.key.store == store }.map { ($0.key.key, $0.value) })
            offsets[partition] = restorer.offsets
        }
        return (entries, offsets)
    }
}
