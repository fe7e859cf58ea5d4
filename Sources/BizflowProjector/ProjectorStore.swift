import BizflowKafka
import BizflowPostgres
import Foundation

/// The projector's bookkeeping in PostgreSQL: offsets per partition (the source of truth for where to resume),
/// the applied-event ids, and the pause switch.
public enum ProjectorStore {
    /// Stored next offsets of `partitions` for `group` (partitions never projected are absent).
    static func offsets(_ session: PostgresSession, group: String, partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
        let rows = try session.query(
            "SELECT topic, kafka_partition, next_offset FROM projector_offsets WHERE group_id = $1 AND topic = ANY($2::text[])",
            [.text(group), .textArray(Array(Set(partitions.map(\.topic))))])
        var result: [TopicPartition: Int64] = [:]
        let wanted = Set(partitions)
        for index in 0..<rows.count {
            guard let topic = rows.value(index, "topic"), let partition = rows.int(index, "kafka_partition"),
                let offset = rows.int(index, "next_offset")
            else { continue }
            let tp = TopicPartition(topic, Int32(partition))
            if wanted.contains(tp) { result[tp] = offset }
        }
        return result
    }

    /// Upserts of the next offsets (and the newest event time seen) per partition.
    public static func saveOffsets(group: String, _ offsets: [TopicPartition: (next: Int64, time: Date?)]) -> [PostgresStatement] {
        offsets.sorted { $0.key < $1.key }.map { tp, value in
            PostgresStatement(
                """
                INSERT INTO projector_offsets (group_id, topic, kafka_partition, next_offset, last_event_time, updated_at)
                VALUES ($1, $2, $3, $4, $5, now())
                ON CONFLICT (group_id, topic, kafka_partition) DO UPDATE SET next_offset = excluded.next_offset,
                  last_event_time = coalesce(excluded.last_event_time, projector_offsets.last_event_time), updated_at = now()
                """,
                [.text(group), .text(tp.topic), .int(Int64(tp.partition)), .int(value.next), value.time.map { .timestamp($0) } ?? .null])
        }
    }

    static let appliedCheck = "SELECT event_id FROM applied_events WHERE event_id = ANY($1::text[])"

    /// Event ids of `ids` that were applied already.
    static func applied(_ session: PostgresSession, _ ids: [String]) throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return appliedIDs(try session.query(appliedCheck, [.textArray(ids)]))
    }

    /// The ids an applied check (`appliedCheck`) answered with.
    static func appliedIDs(_ rows: PostgresRows) -> Set<String> {
        Set((0..<rows.count).compactMap { rows.value($0, "event_id") })
    }

    /// A batch's first statements: BEGIN, then which of `ids` are already in applied_events (the last result).
    /// Sequential scans are off for the transaction: for a long `= ANY` list the planner kept choosing one over the
    /// primary key as the table grew, so every batch was compared against the whole table (the bench's projector slowed
    /// down run after run, its PostgreSQL backend at ~95 % CPU in that comparison). Every other statement of a batch
    /// goes by primary key anyway.
    static func beginCheckingApplied(_ ids: [String]) -> [PostgresStatement] {
        [
            PostgresStatement("BEGIN"),
            PostgresStatement("SET LOCAL enable_seqscan = off"),
            PostgresStatement(appliedCheck, [.textArray(ids)]),
        ]
    }

    /// Records `ids` as applied; a second projector applying the same ids fails here and rolls back.
    public static func markApplied(_ ids: [String]) -> PostgresStatement {
        PostgresStatement("INSERT INTO applied_events (event_id) SELECT unnest($1::text[])", [.textArray(ids)])
    }

    /// Deletes up to `limit` applied-event ids recorded more than `retention` ago and returns how many went; nil
    /// when another projector is doing the same (one at a time, by an advisory lock, so they never wait on each
    /// other's row locks).
    static func forgetApplied(_ session: PostgresSession, olderThan retention: Duration, limit: Int) throws -> Int? {
        try session.transaction { tx -> Int? in
            guard try tx.query("SELECT pg_try_advisory_xact_lock(7212368492) AS locked").bool(0, "locked") == true else {
                return nil
            }
            let rows = try tx.query(
                """
                WITH gone AS (
                  DELETE FROM applied_events WHERE ctid = ANY(ARRAY(
                    SELECT ctid FROM applied_events WHERE applied_at < now() - $1::bigint * interval '1 second' LIMIT $2))
                  RETURNING 1)
                SELECT count(*) AS n FROM gone
                """,
                [.int(retention.components.seconds), .int(Int64(limit))])
            return Int(rows.int(0, "n") ?? 0)
        }
    }

    /// Whether the group is paused (`bizflow projections pause`).
    static func paused(_ session: PostgresSession, group: String) throws -> Bool {
        try session.query("SELECT paused FROM projector_control WHERE group_id = $1", [.text(group)]).bool(0, "paused") ?? false
    }

    /// Pauses or resumes a group.
    public static func setPaused(_ database: PostgresConnection, group: String, _ paused: Bool) async throws {
        try await database.query(
            """
            INSERT INTO projector_control (group_id, paused, updated_at) VALUES ($1, $2, now())
            ON CONFLICT (group_id) DO UPDATE SET paused = excluded.paused, updated_at = now()
            """, [.text(group), .bool(paused)])
    }
}
