import BizflowEvents
import BizflowKafka
import Foundation
import Logging

/// Reads the member status topic to its end: the latest report of every member that has not left.
public enum MemberDirectory {
    /// Every member's latest status, ordered by group and instance.
    public static func read(
        kafka: KafkaConfig, topic: String = MemberReporter.defaultTopic, partitions: Int, logger: Logger
    ) async throws -> [MemberStatus] {
        let records = try await PartitionReader.readAll(
            (0..<Int32(partitions)).map { TopicPartition(topic, $0) }, kafka: kafka, logger: logger)
        var latest: [String: MemberStatus] = [:]
        for record in records {
            guard let key = record.key.flatMap({ String(validating: $0, as: UTF8.self) }) else { continue }
            // A tombstone (null value) is a member that left cleanly; an unreadable value is skipped, not fatal.
            if record.value.isEmpty {
                latest[key] = nil
            } else if let status = try? MemberStatus(serializedBytes: record.value) {
                latest[key] = status
            }
        }
        return latest.sorted { $0.key < $1.key }.map(\.value)
    }
}
