import BizflowEvents
import BizflowKafka
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Runs one tier: consumes its inputs as a consumer-group member, hands each event to the tier's actor, and
/// writes outputs, dead letters, state changelog records and consumed offsets per batch — in one Kafka
/// transaction by default. Several runners of the same tier (in any processes) share its partitions.
public actor TierRunner: Service {
    let settings: TierSettings
    let tier: any Tier
    let logger: Logger
    let metrics: TierMetrics
    private let batchLock = AsyncLock()
    private let stopFlag = Mutex(false)

    /// The rules of every batch, and the state they work on.
    var engine: TierEngine
    /// Time per batch stage, when profiling.
    var stages: StageTimes
    var consumer: KafkaConsumer?
    var producer: KafkaProducer?
    /// This runner's entry in the member status topic.
    var member: MemberKey?
    /// Offsets known to have reached the group's committed offsets (what lag tools read).
    var reported: [TopicPartition: Int64] = [:]
    /// How each partition's state was restored, latest last.
    public internal(set) var restores: [RestoreNote] = []

    public init(settings: TierSettings, tier: any Tier, logger: Logger) {
        self.settings = settings
        self.tier = tier
        self.engine = TierEngine(settings: settings)
        var logger = logger
        logger[metadataKey: "tier"] = "\(settings.name)"
        self.logger = logger
        self.metrics = TierMetrics(
            tier: settings.name, factory: settings.metricsFactory ?? MetricsSystem.factory, stages: settings.profileStages)
        self.stages = StageTimes(enabled: settings.profileStages)
    }

    /// The input partitions this runner owns now.
    public var assignment: [TopicPartition] { engine.owned.sorted() }

    /// Asks the loop to finish its batch, commit and close (what SIGTERM does through the service group).
    public nonisolated func stop() { stopFlag.withLock { $0 = true } }

    private nonisolated var stopping: Bool { stopFlag.withLock { $0 } }

    public func run() async throws {
        let producer = try makeProducer()
        self.producer = producer
        if settings.mode == .exactlyOnce { try await producer.initTransactions() }
        member = settings.members?.join(group: settings.groupID, tier: settings.name, instance: settings.instanceID)
        let consumer = try makeConsumer()
        self.consumer = consumer
        let globals = try GlobalReader.start(tier, settings: settings, logger: logger)
        defer { globals?.cancel() }
        logger.info(
            "tier started",
            metadata: ["group": "\(settings.groupID)", "inputs": "\(settings.inputs)", "mode": "\(settings.mode.rawValue)"])
        do {
            try await withGracefulShutdownHandler {
                try await loop(consumer)
            } onGracefulShutdown: { [self] in
                stop()
            }
        } catch {
            logger.error("tier stopped on an error", metadata: ["error": "\(error)"])
            await release(consumer, producer, clean: false)
            throw error
        }
        await release(consumer, producer, clean: true)
        logger.info("tier stopped")
    }

    /// Closes the clients and drops them: the consumer's rebalance hooks hold this runner, so keeping it would be a
    /// retain cycle.
    private func release(_ consumer: KafkaConsumer, _ producer: KafkaProducer, clean: Bool) async {
        closeStores(clean: clean)
        await consumer.close()
        await producer.close()
        self.consumer = nil
        self.producer = nil
        if let member { settings.members?.leave(member) }
    }

    private func makeProducer() throws -> KafkaProducer {
        var configuration = KafkaProducer.Configuration(
            kafka: settings.kafka,
            transactionalID: settings.mode == .exactlyOnce ? "\(settings.groupID)-\(settings.instanceID)" : nil)
        configuration.clientID = "bizflow-\(settings.name)"
        configuration.properties["linger.ms"] = "5"
        return try KafkaProducer(configuration: configuration, logger: logger)
    }

    private func makeConsumer() throws -> KafkaConsumer {
        var configuration = KafkaConsumer.Configuration(
            kafka: settings.kafka, groupID: settings.groupID, topics: settings.inputs)
        configuration.clientID = "bizflow-\(settings.name)"
        configuration.repeatedHeaderValues = EventEnvelope.repeatingHeaders
        // Room for several batches, so fetching goes on while a batch commits (then librdkafka's bounded prefetch).
        configuration.bufferCapacity = max(5_000, settings.maxBatch * 4)
        // Range assignment gives a member the same partition numbers of every input: its state partitions.
        // A dead member's partitions move on after the session timeout: 10 s rather than librdkafka's 45 s; an empty
        // fetch waits 100 ms rather than 500 (a broker that does not answer early, like the embedded one, would
        // otherwise hold new records back that long); unless the Kafka configuration says otherwise.
        let defaults = ["session.timeout.ms": "10000", "heartbeat.interval.ms": "1000", "fetch.wait.max.ms": "100"]
        configuration.properties = defaults.filter { settings.kafka.properties[$0.key] == nil }
            .merging(settings.consumerProperties) { _, explicit in explicit }
        configuration.properties["partition.assignment.strategy"] = "range"
        configuration.hooks = RebalanceHooks(
            partitionsRevoked: { [self] partitions in await self.revoke(partitions) },
            partitionsAssigned: { [self] partitions in await self.assign(partitions) })
        return try KafkaConsumer(configuration: configuration, logger: logger)
    }

    private func loop(_ consumer: KafkaConsumer) async throws {
        var nextStandbyRefresh = ContinuousClock.now
        while !stopping {
            let batch = try await consumer.nextBatch(max: settings.maxBatch, timeout: settings.timerTick, linger: settings.linger)
            if batch.isEmpty && stopping { break }
            try await batchLock.withLock {
                try await processBatch(batch)
                if batch.isEmpty { await commitIdlePositions() }
                if !settings.standbyPartitions.isEmpty, settings.stateDirectory != nil, ContinuousClock.now >= nextStandbyRefresh {
                    await refreshStandbys()
                    nextStandbyRefresh = ContinuousClock.now + settings.standbyInterval
                }
            }
        }
    }

    // MARK: Rebalance

    private func revoke(_ partitions: [TopicPartition]) async {
        await batchLock.withLock {
            // The lock is taken: no batch is in flight, so the partitions go with everything committed.
            close(engine.revoke(partitions))
            for tp in partitions { reported[tp] = nil }
        }
        if let member { settings.members?.revoked(member, partitions) }
    }

    private func assign(_ partitions: [TopicPartition]) async -> [TopicPartition: Int64] {
        await batchLock.withLock {
            let fresh = engine.assign(partitions)
            do {
                try await restore(fresh)
            } catch {
                // Without its state a partition must not be processed: stop and let a restart retry.
                logger.error("cannot restore state: the tier stops", metadata: ["error": "\(error)"])
                stop()
            }
            if let member { settings.members?.assigned(member, partitions, memberID: consumer?.memberID()) }
            return engine.startOffsets(partitions)
        }
    }

    /// Rebuilds the stores of `partitions` and sets the input positions from the changelog's markers: over local
    /// stores (a state directory) from their checkpoints where they are usable, else from the whole changelog.
    func restore(_ partitions: [Int32]) async throws {
        guard !partitions.isEmpty else { return }
        if settings.stateDirectory != nil {
            try await restoreLocal(partitions)
        } else {
            try await restoreInMemory(partitions)
        }
    }

    /// Rebuilds in-memory stores from the whole changelog, read a chunk at a time.
    func restoreInMemory(_ partitions: [Int32]) async throws {
        let clock = ContinuousClock.now
        var restorers: [Int32: ChangelogRestorer] = [:]
        for partition in partitions { restorers[partition] = ChangelogRestorer(knownAborted: engine.knownAborted) }
        let read = try await readChangelog(partitions) { partition, records in restorers[partition]?.add(records) }
        var entries = 0
        let now = settings.clock.now().timeIntervalSince1970
        for partition in partitions {
            guard var restorer = restorers.removeValue(forKey: partition) else { continue }
            restorer.finish()
            try restorer.check(partition: partition, changelog: settings.changelog)
            entries += engine.restore(partition, restoredBy: restorer, now: now)
        }
        metrics.restoredRecords.increment(by: read.records)
        logger.info(
            "state restored",
            metadata: [
                "partitions": "\(partitions)", "records": "\(read.records)", "entries": "\(entries)",
                "took": "\(ContinuousClock.now - clock)",
            ])
    }
}
