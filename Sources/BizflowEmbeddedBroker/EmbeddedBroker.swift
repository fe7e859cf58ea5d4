import BizflowKafka
import CRdKafka
import Logging
import ServiceLifecycle

/// An in-process Kafka cluster (librdkafka's mock cluster) for tests, the demo and `bizflow broker`.
/// It supports produce, fetch, groups, offsets, idempotence and transactions, but not the admin API:
/// topics are created through it directly. It keeps about 5 MB per partition in memory; older records vanish.
public final class EmbeddedBroker: TopicCreator, Service, @unchecked Sendable {
    let handle: ClientHandle
    let cluster: OpaquePointer
    /// The cluster's `host:port,…` list.
    public let bootstrapServers: String
    public let brokerCount: Int
    private let topics = LockedValue<[String: Int]>([:])

    public init(brokers: Int = 1, logger: Logger) throws(KafkaError) {
        guard brokers >= 1 else { throw .local("start embedded broker", "--brokers must be at least 1") }
        let conf = try KafkaConfig(bootstrapServers: "").makeConf(["client.id": "bizflow-embedded-broker"])
        handle = try ClientHandle(type: RD_KAFKA_PRODUCER, conf: conf, logger: logger)
        guard let cluster = rd_kafka_mock_cluster_new(handle.rk, Int32(brokers)) else {
            throw .local("start embedded broker", "librdkafka could not create the mock cluster")
        }
        self.cluster = cluster
        self.brokerCount = brokers
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        let tuned = ListenerNagle.disable(onPorts: ListenerNagle.ports(of: bootstrapServers))
        if tuned < brokers {
            logger.warning("could not set TCP_NODELAY on every mock broker listener: transactions will be slower",
                metadata: ["set": "\(tuned)", "brokers": "\(brokers)"])
        }
        handle.startLogPump(name: "bizflow.broker.log")
    }

    /// A client configuration pointing at this broker.
    public var kafkaConfig: KafkaConfig { KafkaConfig(bootstrapServers: bootstrapServers) }

    /// Creates a topic; the replication factor is capped at the broker count.
    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1) throws(KafkaError) {
        let rf = min(max(1, replicationFactor), brokerCount)
        try RdKafka.check(
            rd_kafka_mock_topic_create(cluster, name, Int32(partitions), Int32(rf)), "create topic \(name)")
        topics.withLock { $0[name] = partitions }
    }

    public func createTopics(_ specs: [TopicSpec]) async throws -> [String: TopicCreation] {
        var outcome: [String: TopicCreation] = [:]
        for spec in specs {
            if topics.value[spec.name] != nil {
                outcome[spec.name] = .alreadyExists
            } else {
                try createTopic(spec.name, partitions: spec.partitions, replicationFactor: spec.replicationFactor)
                outcome[spec.name] = .created
            }
        }
        return outcome
    }

    /// Topics created through this broker.
    public func listTopics() async throws -> [TopicInfo] {
        topics.value.map { TopicInfo(name: $0.key, partitions: $0.value) }.sorted { $0.name < $1.name }
    }

    /// Runs until graceful shutdown (SIGINT/SIGTERM through the service group).
    public func run() async throws {
        try await gracefulShutdown()
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
    }
}
