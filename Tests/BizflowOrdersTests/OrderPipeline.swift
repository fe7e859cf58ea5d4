import BizflowEmbeddedBroker
import BizflowEvents
import BizflowKafka
@testable import BizflowOrders
import BizflowRuntime
import BizflowTestSupport
import BizflowTopology
import Foundation
import Testing

/// The order pipeline on the embedded broker: tiers in this process, topics under a unique prefix.
struct OrderPipeline {
    static let secret = "orders-secret"
    static let topicNames = [
        "orders.placed", "orders.commands", "orders.carrier", "inventory.stock", "fraud.signals", "orders.assessed",
        "inventory.reservations", "inventory.answers", "inventory.alerts", "orders.reserved", "orders.fulfilment",
    ]
    let broker: EmbeddedBroker
    let topics = PipelineTopics(prefix: "\(uniqueTopic("o")).")
    let partitions: Int
    let topology = try! Topology.load(path: topologyDirectory + "/topology.yaml")
    let producer: KafkaProducer
    var runners: [(TierRunner, Task<Void, Error>)] = []

    init(partitions: Int = 3) throws {
        self.partitions = partitions
        broker = try EmbeddedBroker(logger: testLogger())
        for name in Self.topicNames {
            try broker.createTopic(topics.prefix + name, partitions: partitions)
            try broker.createTopic(topics.prefix + name + ".dlq", partitions: partitions)
        }
        for tier in OrderTiers.definitions.names { try broker.createTopic(topics.prefix + "\(tier).changelog", partitions: partitions) }
        producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: testLogger())
    }

    /// Starts `tiers` (one runner each, or `instances` sharing a tier's group) with the shipped configuration.
    mutating func start(_ tiers: [String], instances: Int = 1, environment: [String: String] = [:]) throws {
        var env = ["BIZFLOW_WEBHOOK_SECRET": Self.secret]
        env.merge(environment) { _, new in new }
        for name in tiers {
            let declared = try #require(topology.tier(named: name))
            for instance in 0..<instances {
                let tier = try OrderTiers.definitions.make(
                    name, TierBuildContext(configDirectory: topologyDirectory, topicPrefix: topics.prefix, environment: env))
                var settings = TierSettings(
                    name: name, groupID: topics.prefix + declared.group, inputs: declared.consumes.map { topics.prefix + $0 },
                    changelog: topics.prefix + "\(name).changelog", kafka: broker.kafkaConfig, instanceID: "\(instance)")
                settings.retry = RetryPolicy(attempts: 3, initialDelay: .milliseconds(10), maxDelay: .milliseconds(50))
                settings.consumerProperties = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "300"]
                settings.outputTopics = topology.outputTopics(ofTier: name, prefix: topics.prefix)
                for input in declared.consumes {
                    settings.acceptedTypes[topics.prefix + input] = Set(topology.topic(named: input)?.events ?? [])
                }
                let runner = TierRunner(settings: settings, tier: tier, logger: testLogger())
                runners.append((runner, Task { try await runner.run() }))
            }
        }
    }

    func stop() async throws {
        for (runner, _) in runners { runner.stop() }
        for (_, task) in runners { try await task.value }
        await producer.close()
    }

    /// Produces events with CloudEvents headers, keyed as the catalog says, awaiting each batch's delivery.
    func send(_ events: [any DomainEvent], to topic: String) async throws {
        try await producer.sendBatch(events.map { try EventRecord.make($0, source: "test", topic: topic).0 })
        try await producer.flush()
    }

    /// The committed stock ledgers, by tenant|SKU, read from the inventory tier's changelog.
    func ledgers() async throws -> [String: StockLedger] {
        let state = try await StateInspector.read(
            changelog: topics.prefix + "inventory.changelog", partitions: partitions, store: InventoryTier.stock,
            kafka: broker.kafkaConfig, logger: testLogger())
        var ledgers: [String: StockLedger] = [:]
        for (key, bytes) in state.entries.values.flatMap({ $0 }) {
            ledgers[key] = try StateDecoder().decode(StockLedger.self, from: bytes)
        }
        return ledgers
    }
}

/// Reads topics from the beginning in the background and keeps every decoded event (the test's view of them).
final class EventTap: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [(topic: String, id: String, event: any DomainEvent)] = []
    private var raw: [KafkaMessage] = []
    private let consumer: KafkaConsumer
    private var task: Task<Void, Never>?

    init(_ broker: EmbeddedBroker, topics: [String], onEvent: @escaping @Sendable (String, any DomainEvent) async -> Void = { _, _ in })
        throws
    {
        consumer = try KafkaConsumer(
            configuration: consumerConfig(broker, group: "tap-\(UUID())", topics: topics), logger: testLogger())
        task = Task { [consumer] in
            while !Task.isCancelled {
                guard let batch = try? await consumer.nextBatch(max: 1000, timeout: .milliseconds(200)) else { return }
                for message in batch {
                    self.lock.withLock { self.raw.append(message) }
                    guard let (envelope, event) = try? EventRecord.decode(message) else { continue }
                    self.lock.withLock { self.events.append((message.topic, envelope.id, event)) }
                    await onEvent(message.topic, event)
                }
            }
        }
    }

    func stop() async {
        task?.cancel()
        await task?.value
        await consumer.close()
    }

    /// Every distinct event (by id) of a type; a record the embedded broker shows twice (an aborted write and its
    /// retry carry the same id) counts once.
    func all<T: DomainEvent>(_ type: T.Type, on topic: String? = nil) -> [T] {
        lock.withLock {
            var seen = Set<String>()
            return events.compactMap { entry -> T? in
                guard topic == nil || entry.topic == topic, let event = entry.event as? T, seen.insert(entry.id).inserted
                else { return nil }
                return event
            }
        }
    }

    /// Records on one topic, undecoded (dead letters).
    func records(on topic: String) -> [KafkaMessage] { lock.withLock { raw.filter { $0.topic == topic } } }

    /// The furthest status each order reached (cancelled and rejected end an order wherever it was).
    func finalStatuses() -> [String: OrderStatus] {
        var result: [String: OrderStatus] = [:]
        for change in all(OrderStatusChanged.self) {
            if let current = result[change.orderID], Self.rank(current) >= Self.rank(change.status) { continue }
            result[change.orderID] = change.status
        }
        return result
    }

    /// Terminal statuses (delivered, cancelled, rejected) per order, by distinct event.
    func terminalCounts() -> [String: Int] {
        var counts: [String: Int] = [:]
        for change in all(OrderStatusChanged.self) where [.delivered, .cancelled, .rejected].contains(change.status) {
            counts[change.orderID, default: 0] += 1
        }
        return counts
    }

    static func rank(_ status: OrderStatus) -> Int {
        switch status {
        case .placed: return 1
        case .inReview: return 2
        case .approved: return 3
        case .backordered: return 4
        case .reserved: return 5
        case .shipped: return 6
        case .delivered: return 7
        case .returned: return 8
        case .rejected, .cancelled: return 9
        default: return 0
        }
    }
}
