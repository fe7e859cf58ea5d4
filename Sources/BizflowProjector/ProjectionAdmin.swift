import BizflowKafka
import BizflowPostgres
import Foundation
import Logging

/// Operations on the projections as a whole: status per partition, and the reset a rebuild starts from.
public enum ProjectionAdmin {
    /// The read-model tables a rebuild empties (not the projector's control table, not the migrations).
    public static let readModels = [
        "leads", "score_history", "commands", "assignments", "engagements", "nurture_messages", "orders",
        "order_status_history", "fraud_decisions", "reviews", "inventory_levels", "reservations", "backorders",
        "low_stock_alerts", "shipments", "returns", "notifications", "dlq_entries", "lead_conversions", "scoring_models",
        "lead_recycles",
    ]

    /// One partition's projection state.
    public struct PartitionStatus: Sendable {
        public var topicPartition: TopicPartition
        /// The next offset stored in PostgreSQL (nil: never projected).
        public var stored: Int64?
        public var lowWatermark: Int64
        public var highWatermark: Int64
        public var lastEventTime: Date?
        /// Records not yet projected.
        public var lag: Int64 { max(0, highWatermark - max(stored ?? lowWatermark, lowWatermark)) }
    }

    /// Stored offsets against the watermarks of every partition of `topics`.
    public static func status(
        database: PostgresConnection, kafka: KafkaConfig, group: String, topics: [String], logger: Logger
    ) async throws -> [PartitionStatus] {
        let admin = try KafkaAdmin(config: kafka, logger: logger)
        let known = Dictionary(try await admin.listTopics().map { ($0.name, $0.partitions) }) { a, _ in a }
        let rows = try await database.query(
            "SELECT topic, kafka_partition, next_offset, last_event_time FROM projector_offsets WHERE group_id = $1",
            [.text(group)])
        var stored: [TopicPartition: (Int64, Date?)] = [:]
        for index in 0..<rows.count {
            guard let topic = rows.value(index, "topic"), let partition = rows.int(index, "kafka_partition"),
                let next = rows.int(index, "next_offset")
            else { continue }
            stored[TopicPartition(topic, Int32(partition))] = (next, rows.value(index, "last_event_time").flatMap(parseTimestamp))
        }
        var result: [PartitionStatus] = []
        for topic in topics {
            for partition in 0..<Int32(known[topic] ?? 0) {
                let tp = TopicPartition(topic, partition)
                let marks = try await admin.watermarks(tp)
                result.append(
                    PartitionStatus(
                        topicPartition: tp, stored: stored[tp]?.0, lowWatermark: marks.low, highWatermark: marks.high,
                        lastEventTime: stored[tp]?.1))
            }
        }
        return result
    }

    /// Empties every read model, the applied-event ids and the group's offsets, in one transaction.
    public static func reset(database: PostgresConnection, group: String) async throws {
        let tables = (readModels + ["applied_events"]).joined(separator: ", ")
        try await database.transaction { tx in
            try tx.query("TRUNCATE \(tables)")
            try tx.query("DELETE FROM projector_offsets WHERE group_id = $1", [.text(group)])
        }
    }

    /// PostgreSQL's text form of a timestamptz (`2026-11-24 10:00:00.123+00`).
    static func parseTimestamp(_ text: String) -> Date? {
        var value = text.replacingOccurrences(of: " ", with: "T")
        if value.hasSuffix("+00") { value = String(value.dropLast(3)) + "Z" }
        return (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(value))
            ?? (try? Date.ISO8601FormatStyle().parse(value))
    }
}
