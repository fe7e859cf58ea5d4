import BizflowKafka
import BizflowRuntime
import Foundation
import Metrics

/// Everything the projector needs to run.
public struct ProjectorSettings: Sendable {
    public var kafka: KafkaConfig
    /// Its consumer group; offsets are stored per group in PostgreSQL.
    public var groupID = "projector"
    /// The domain topics it projects; their dead-letter topics are read too (into `dlq_entries`).
    public var topics: [String]
    public var maxBatch = 2_000
    public var linger: Duration = .milliseconds(20)
    /// How long a failing PostgreSQL may keep the projector waiting between attempts, at most.
    public var maxRetryDelay: Duration = .seconds(5)
    public var consumerProperties: [String: String] = [:]
    /// How long applied event ids are kept to drop redelivered duplicates (a duplicate arriving later is applied
    /// again); older ones are deleted every `retentionCheck`. nil keeps them for ever.
    public var appliedRetention: Duration? = .seconds(7 * 24 * 3600)
    public var retentionCheck: Duration = .seconds(60)
    public var metricsFactory: (any MetricsFactory)?
    /// Called after each batch's PostgreSQL commit, with the commits so far, before the offsets reach Kafka: where the
    /// lab's fault injection kills a projector in the window a duplicate would come from. nil in the product.
    public var committed: (@Sendable (Int) -> Void)?
    /// Where it reports its group membership (for `bizflow ops groups`), under this process slot.
    public var members: MemberReporter?
    public var instanceID = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"

    public init(kafka: KafkaConfig, topics: [String]) {
        self.kafka = kafka
        self.topics = topics
    }

    /// Every topic read: the domain topics and their dead-letter topics.
    public var subscriptions: [String] { topics + topics.map { $0 + ".dlq" } }
}
