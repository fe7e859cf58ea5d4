import BizflowKafka

/// The declared shape of a Bizflow deployment: topics, tiers and dead-letter topics (`Topology/topology.yaml`).
public struct Topology: Sendable {
    /// A declared topic.
    public struct Topic: Sendable, Hashable {
        public var name: String
        public var partitions: Int
        public var replication: Int
        public var retentionMs: Int64?
        /// `delete`, `compact` or `compact,delete`.
        public var cleanup: String
        /// Produced by clients outside Bizflow.
        public var external: Bool
        /// The protobuf types (`ce_type`) it carries.
        public var events: [String]
        /// Set on a dead-letter topic: the topic whose poison records it keeps.
        public var dlqOf: String?
        /// Line in the file, for messages.
        public var line: Int
    }

    /// A declared tier (a consumer group running one kind of actor).
    public struct Tier: Sendable, Hashable {
        public var name: String
        public var group: String
        public var consumes: [String]
        public var produces: [String]
        /// Topics every process of the tier reads whole, beside its partitioned inputs (e.g. published models).
        public var reads: [String] = []
        /// The compacted topic its state stores are written to, partitioned like its inputs.
        public var changelog: String?
        /// How long a key's settled state is kept unchanged before the tier forgets it (`state_ttl_days`); nil: kept.
        public var stateTTLDays: Int?
        public var line: Int
    }

    public var topics: [Topic]
    public var tiers: [Tier]
    /// The file it came from, for messages.
    public var file: String

    public func topic(named name: String) -> Topic? { topics.first { $0.name == name } }
    public func tier(named name: String) -> Tier? { tiers.first { $0.name == name } }

    /// The topics to create, with their configs.
    public var topicSpecs: [TopicSpec] {
        topics.map { topic in
            var configs = ["cleanup.policy": topic.cleanup]
            if let retention = topic.retentionMs { configs["retention.ms"] = String(retention) }
            return TopicSpec(
                name: topic.name, partitions: topic.partitions, replicationFactor: topic.replication, configs: configs)
        }
    }

    /// The topic a client should send an event type to: the external input that carries it, else any carrier.
    public func inputTopic(for eventType: String) -> Topic? {
        let carriers = topics.filter { $0.events.contains(eventType) }
        return carriers.first(where: \.external) ?? carriers.first
    }
}
