import BizflowEvents
import BizflowKafka
import BizflowPostgres
import BizflowRuntime
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Materialises read models in PostgreSQL. Each batch of events is applied in one PostgreSQL transaction together
/// with the next offsets of its partitions, so PostgreSQL alone says what was applied: on assignment the consumer
/// seeks to the offsets stored there, and offsets committed to Kafka afterwards serve lag tools only. Event ids
/// already applied are skipped (a second line of defence), unknown event types are counted and skipped, and
/// undecodable records go to the topic's dead-letter topic.
public actor Projector: Service {
    let settings: ProjectorSettings
    let database: PostgresConnection
    let logger: Logger
    let metrics: ProjectorMetrics
    private let batchLock = AsyncLock()
    private let stopFlag = Mutex(false)
    /// Next offset per owned partition, from PostgreSQL.
    var positions: [TopicPartition: Int64] = [:]
    var consumer: KafkaConsumer?
    var producer: KafkaProducer?
    /// This projector's entry in the member status topic.
    var member: MemberKey?
    /// Events applied since start (for progress reporting).
    public internal(set) var applied = 0
    /// Batches committed to PostgreSQL since start.
    var commits = 0

    public init(settings: ProjectorSettings, database: PostgresConnection, logger: Logger) {
        self.settings = settings
        self.database = database
        var logger = logger
        logger[metadataKey: "group"] = "\(settings.groupID)"
        self.logger = logger
        metrics = ProjectorMetrics(group: settings.groupID, factory: settings.metricsFactory ?? MetricsSystem.factory)
    }

    /// Asks the loop to finish its batch and stop.
    public nonisolated func stop() { stopFlag.withLock { $0 = true } }
    nonisolated var stopping: Bool { stopFlag.withLock { $0 } }

    /// The partitions this projector owns now.
    public var assignment: [TopicPartition] { positions.keys.sorted() }

    public func run() async throws {
        let producer = try KafkaProducer(configuration: .init(kafka: settings.kafka), logger: logger)
        self.producer = producer
        var configuration = KafkaConsumer.Configuration(
            kafka: settings.kafka, groupID: settings.groupID, topics: settings.subscriptions)
        configuration.clientID = "bizflow-projector"
        configuration.repeatedHeaderValues = EventEnvelope.repeatingHeaders
        // Room for several batches: fetching goes on while PostgreSQL commits (then librdkafka's bounded prefetch).
        configuration.bufferCapacity = max(10_000, settings.maxBatch * 5)
        // A dead member's partitions move on after the session timeout: 10 s rather than librdkafka's 45 s; an empty
        // fetch waits 100 ms rather than 500 (a broker that does not answer early, like the embedded one, would
        // otherwise hold new records back that long); unless the Kafka configuration says otherwise.
        let defaults = ["session.timeout.ms": "10000", "heartbeat.interval.ms": "1000", "fetch.wait.max.ms": "100"]
        configuration.properties = defaults.filter { settings.kafka.properties[$0.key] == nil }
            .merging(settings.consumerProperties) { _, explicit in explicit }
        configuration.hooks = RebalanceHooks(
            partitionsRevoked: { [self] partitions in await self.revoke(partitions) },
            partitionsAssigned: { [self] partitions in await self.assign(partitions) })
        member = settings.members?.join(group: settings.groupID, tier: "projector", instance: settings.instanceID)
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        self.consumer = consumer
        logger.info("projector started", metadata: ["topics": "\(settings.topics.count)"])
        do {
            try await withGracefulShutdownHandler {
                try await loop(consumer)
            } onGracefulShutdown: { [self] in
                stop()
            }
        } catch {
            logger.error("projector stopped on an error", metadata: ["error": "\(error)"])
            await release(consumer, producer)
            throw error
        }
        await release(consumer, producer)
        logger.info("projector stopped")
    }

    /// Closes and drops the clients (the consumer's hooks hold this actor).
    private func release(_ consumer: KafkaConsumer, _ producer: KafkaProducer) async {
        await consumer.close()
        await producer.close()
        self.consumer = nil
        self.producer = nil
        if let member { settings.members?.leave(member) }
    }

    /// Fetches and prepares the next batch while the previous one commits; commits one at a time, in order.
    private func loop(_ consumer: KafkaConsumer) async throws {
        var lastPauseCheck = ContinuousClock.now - .seconds(1)
        var lastRetention = ContinuousClock.now
        var paused = false
        var committing: Task<Void, Error>?
        defer { committing?.cancel() }
        while !stopping {
            if ContinuousClock.now - lastPauseCheck >= .milliseconds(500) {
                lastPauseCheck = ContinuousClock.now
                let group = settings.groupID
                let now = (try? await database.withSession { try ProjectorStore.paused($0, group: group) }) ?? paused
                if now != paused { logger.info(now ? "projector paused" : "projector resumed") }
                paused = now
            }
            if let retention = settings.appliedRetention, ContinuousClock.now - lastRetention >= settings.retentionCheck {
                lastRetention = ContinuousClock.now
                await forgetApplied(olderThan: retention)
            }
            if paused {
                try await committing?.value
                committing = nil
                try await Task.sleep(for: .milliseconds(200))
                continue
            }
            let batch = try await consumer.nextBatch(max: settings.maxBatch, timeout: .milliseconds(200), linger: settings.linger)
            let prepared = batch.isEmpty ? nil : try await prepare(batch)
            try await committing?.value
            committing = nil
            if let prepared {
                committing = Task { try await batchLock.withLock { try await commit(prepared) } }
            }
        }
        try await committing?.value
    }

    // MARK: Rebalance

    private func revoke(_ partitions: [TopicPartition]) async {
        await batchLock.withLock {
            for tp in partitions { positions[tp] = nil }
        }
        if let member { settings.members?.revoked(member, partitions) }
    }

    /// Seeks every assigned partition to its offset in PostgreSQL (the beginning when it was never projected).
    private func assign(_ partitions: [TopicPartition]) async -> [TopicPartition: Int64] {
        await batchLock.withLock {
            let group = settings.groupID
            var delay = Duration.milliseconds(100)
            while !stopping {
                do {
                    let stored = try await database.withSession {
                        try ProjectorStore.offsets($0, group: group, partitions: partitions)
                    }
                    var start: [TopicPartition: Int64] = [:]
                    for tp in partitions {
                        let offset = stored[tp] ?? 0
                        positions[tp] = offset
                        start[tp] = stored[tp] ?? -2  // -2: the beginning of the partition
                    }
                    logger.info("partitions assigned", metadata: ["partitions": "\(partitions.count)", "stored": "\(stored.count)"])
                    if let member { settings.members?.assigned(member, partitions, memberID: consumer?.memberID()) }
                    return start
                } catch {
                    // Without the stored offsets nothing may be applied: wait for PostgreSQL.
                    logger.warning("cannot read stored offsets: retrying", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, settings.maxRetryDelay)
                }
            }
            return [:]
        }
    }
}
