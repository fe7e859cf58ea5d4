/// A topic to create: partitions, replication and topic-level configs such as `cleanup.policy=compact`.
public struct TopicSpec: Sendable, Hashable {
    public var name: String
    public var partitions: Int
    public var replicationFactor: Int
    public var configs: [String: String]

    public init(name: String, partitions: Int, replicationFactor: Int = 1, configs: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }
}

/// What happened to one requested topic.
public enum TopicCreation: Sendable, Equatable {
    case created
    case alreadyExists
}

/// A topic as the cluster describes it.
public struct TopicInfo: Sendable, Hashable {
    public var name: String
    public var partitions: Int

    public init(name: String, partitions: Int) {
        self.name = name
        self.partitions = partitions
    }
}

/// Consumer lag of one partition: high watermark minus the group's committed offset.
public struct PartitionLag: Sendable, Hashable {
    public var topicPartition: TopicPartition
    /// The committed offset, or nil when the group has committed nothing.
    public var committed: Int64?
    public var lowWatermark: Int64
    public var highWatermark: Int64
    /// Records not yet consumed: from the committed offset, or from the low watermark when there is none.
    public var lag: Int64 { max(0, highWatermark - max(committed ?? lowWatermark, lowWatermark)) }
}

/// Anything that can create topics: a real cluster's admin API, or the embedded broker.
public protocol TopicCreator: Sendable {
    func createTopics(_ specs: [TopicSpec]) async throws -> [String: TopicCreation]
    func listTopics() async throws -> [TopicInfo]
}
