import BizflowKafka
import BizflowPostgres
import BizflowRuntime
import Foundation

extension Projection {
    /// A record of a dead-letter topic, as a row of `dlq_entries` (its payload is never stored: only what failed
    /// and why).
    static func deadLetter(_ message: KafkaMessage) -> [PostgresStatement] {
        func header(_ name: String) -> PostgresValue { message.header(name).map { text($0) } ?? .null }
        func number(_ name: String) -> PostgresValue { message.header(name).flatMap { Int64($0) }.map { .int($0) } ?? .null }
        let failedAt: PostgresValue =
            message.header(DeadLetter.Header.time).flatMap { try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse($0) }.map { .timestamp($0) }
            ?? .timestamp(Date(timeIntervalSince1970: Double(message.timestampMs) / 1000))
        return [
            PostgresStatement(
                """
                INSERT INTO dlq_entries (tenant_id, dlq_topic, dlq_partition, dlq_offset, topic, source_partition, source_offset,
                  error_class, reason, attempts, tier, event_type, record_key, failed_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING
                """,
                [
                    .text(message.header("ce_tenantid") ?? ""), .text(message.topic), .int(Int64(message.partition)),
                    .int(message.offset), header(DeadLetter.Header.topic), number(DeadLetter.Header.partition),
                    number(DeadLetter.Header.offset), header(DeadLetter.Header.errorClass), header(DeadLetter.Header.reason),
                    number(DeadLetter.Header.attempts), header(DeadLetter.Header.tier), header("ce_type"),
                    message.keyString.map { text($0) } ?? .null, failedAt,
                ])
        ]
    }
}
