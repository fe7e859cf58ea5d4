import BizflowEvents
import BizflowKafka
import BizflowPostgres
import BizflowRuntime
import Foundation

extension Projector {
    /// One event's part of a batch.
    struct Item: Sendable {
        var topicPartition: TopicPartition
        var offset: Int64
        var eventID: String?
        var time: Date?
        var statements: [PostgresStatement]
    }

    /// A batch decoded into statements, its dead letters already written.
    struct Prepared: Sendable {
        var items: [Item]
        var batch: [KafkaMessage]
        var started: ContinuousClock.Instant
    }

    /// Decodes a batch into statements and writes its dead letters (acknowledged before any offset moves past
    /// them, so nothing is lost). Runs while the previous batch commits.
    func prepare(_ batch: [KafkaMessage]) async throws -> Prepared? {
        let started = ContinuousClock.now
        var items: [Item] = []
        var deadLetters: [ProducerMessage] = []
        for message in batch {
            let tp = message.topicPartition
            guard let position = positions[tp], message.offset >= position else { continue }
            items.append(item(for: message, deadLetters: &deadLetters))
        }
        guard !items.isEmpty else { return nil }
        if !deadLetters.isEmpty, let producer {
            _ = try await producer.sendAll(deadLetters)
            metrics.deadLettered.increment(by: deadLetters.count)
        }
        return Prepared(items: items, batch: batch, started: started)
    }

    /// Commits a prepared batch: statements and offsets in one PostgreSQL transaction, retried on a fresh
    /// connection while PostgreSQL is away; then the offsets go to Kafka for lag tools. Runs under the batch lock,
    /// so a rebalance waits for it; items of partitions revoked since they were prepared are left out.
    func commit(_ prepared: Prepared) async throws {
        let items = prepared.items.filter { positions[$0.topicPartition] != nil }
        guard !items.isEmpty else { return }
        let sent = ContinuousClock.now
        var delay = Duration.milliseconds(100)
        var oneByOne = false
        while true {
            do {
                if oneByOne { try await applyOneByOne(items, batch: prepared.batch) } else { try await commit(items) }
                break
            } catch let error as PostgresError where error.isRetriable {
                // PostgreSQL is away (restarting, failing over): the batch waits in memory; fetching waits with it.
                guard !stopping else { throw error }
                metrics.retries.increment()
                logger.warning("PostgreSQL unavailable: retrying the batch", metadata: ["error": "\(error)", "in": "\(delay)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, settings.maxRetryDelay)
            } catch let error as PostgresError where !oneByOne {
                // A statement the database refuses (not a connection problem): find the event, dead-letter it, go on.
                logger.error("a batch failed in PostgreSQL: applying its events one by one", metadata: ["error": "\(error)"])
                oneByOne = true
            }
        }
        commits += 1
        logger.debug(
            "batch applied",
            metadata: [
                "records": "\(prepared.batch.count)", "prepare": "\(sent - prepared.started)",
                "postgres": "\(ContinuousClock.now - sent)",
            ])
        settings.committed?(commits)
        var next: [TopicPartition: Int64] = [:]
        for item in items { next[item.topicPartition] = item.offset + 1 }
        for (tp, offset) in next where positions[tp] != nil { positions[tp] = offset }
        try? consumer?.commitAsync(next.map { TopicPartitionOffset($0.key, offset: $0.value) })
        metrics.batchDuration.record(duration: ContinuousClock.now - prepared.started)
        if let consumer { metrics.lag.record(consumer.lag(Array(positions.keys)).values.reduce(0, +)) }
    }

    /// What one record contributes: statements for a known event, a dead-letter row for a DLQ record, nothing (but
    /// its offset) for unknown types and undecodable records (the latter also go to the dead-letter topic).
    private func item(for message: KafkaMessage, deadLetters: inout [ProducerMessage]) -> Item {
        var item = Item(topicPartition: message.topicPartition, offset: message.offset, statements: [])
        if message.topic.hasSuffix(".dlq") {
            item.statements = Projection.deadLetter(message)
            return item
        }
        do {
            let (envelope, event) = try EventRecord.decode(message)
            item.eventID = envelope.id
            item.time = envelope.time
            item.statements = Projection.statements(for: event, envelope: envelope)
        } catch .unknownType(let type) {
            metrics.skippedUnknown.increment()
            logger.info("unknown event type skipped", metadata: ["type": "\(type)", "topic": "\(message.topic)"])
        } catch {
            deadLetters.append(
                DeadLetter.record(
                    for: message, tier: "projector", errorClass: error.errorClass, reason: error.description, attempts: 1,
                    time: Date()))
            logger.warning(
                "record dead-lettered", metadata: ["topic": "\(message.topic)", "offset": "\(message.offset)", "reason": "\(error)"])
        }
        return item
    }

    /// One transaction: skip ids applied before (or twice in this batch), apply the rest, record them and the
    /// offsets. Two round trips: the applied-ids check, then everything else pipelined.
    func commit(_ items: [Item]) async throws {
        let group = settings.groupID
        let count = try await database.withSession { session -> (applied: Int, duplicates: Int) in
            // Two round trips: BEGIN with the applied-ids check, then every write and COMMIT in one pipeline.
            do {
                let ids = items.compactMap(\.eventID)
                var seen = ProjectorStore.appliedIDs(try session.pipeline(ProjectorStore.beginCheckingApplied(ids)).last!)
                var statements: [PostgresStatement] = []
                var fresh: [String] = []
                var duplicates = 0
                var offsets: [TopicPartition: (next: Int64, time: Date?)] = [:]
                for item in items {
                    offsets[item.topicPartition] = (item.offset + 1, item.time ?? offsets[item.topicPartition]?.time)
                    if let id = item.eventID {
                        guard seen.insert(id).inserted else {
                            duplicates += 1
                            continue
                        }
                        fresh.append(id)
                    }
                    statements += item.statements
                }
                if !fresh.isEmpty { statements.append(ProjectorStore.markApplied(fresh)) }
                statements += ProjectorStore.saveOffsets(group: group, offsets)
                statements.append(PostgresStatement("COMMIT"))
                for start in stride(from: 0, to: statements.count, by: 1_000) {
                    try session.pipeline(Array(statements[start..<min(start + 1_000, statements.count)]), rows: false)
                }
                return (fresh.count, duplicates)
            } catch {
                session.rollBackIfOpen()
                throw error
            }
        }
        applied += count.applied
        if let member { settings.members?.processed(member, count.applied) }
        metrics.projected.increment(by: count.applied)
        metrics.duplicates.increment(by: count.duplicates)
    }

    /// After a refused batch: each event in its own transaction; one PostgreSQL refuses is dead-lettered with the
    /// reason, and marked applied with its offset so the projector moves on.
    private func applyOneByOne(_ items: [Item], batch: [KafkaMessage]) async throws {
        for item in items {
            do {
                try await commit([item])
            } catch let error as PostgresError where !error.isRetriable {
                var skipped = item
                skipped.statements = []
                if let producer, let message = batch.first(where: { $0.topicPartition == item.topicPartition && $0.offset == item.offset }) {
                    _ = try await producer.send(
                        DeadLetter.record(
                            for: message, tier: "projector", errorClass: "projection_failed", reason: error.description,
                            attempts: 1, time: Date()))
                    metrics.deadLettered.increment()
                }
                try await commit([skipped])
            }
        }
    }
}
