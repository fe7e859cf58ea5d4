import BizflowKafka
import Metrics

/// Everything the runtime needs to run one tier.
public struct TierSettings: Sendable {
    public var name: String
    public var groupID: String
    public var inputs: [String]
    /// The compacted topic of its state and commit markers, partitioned like the inputs.
    public var changelog: String
    public var kafka: KafkaConfig
    public var mode: DeliveryMode = .exactlyOnce
    /// A batch (one transaction) closes at this many records…
    public var maxBatch: Int = 2_000
    /// …or this long after its first record.
    public var linger: Duration = .milliseconds(20)
    /// How often due timers are looked for while no records arrive.
    public var timerTick: Duration = .milliseconds(200)
    public var retry = RetryPolicy()
    /// When an event of a key is dead-lettered, dead-letter that key's later events behind it until replayed.
    public var parkKeysOnFailure = false
    /// Event ids remembered per key to drop redelivered duplicates.
    public var dedupeWindow = 8
    /// A key unchanged this long (on `clock`) loses the entries its tier lets expire (`Tier.mayExpire`) and its
    /// dedupe window, written to the changelog in a batch's transaction like any change; nil: state is kept until the
    /// tier deletes it.
    public var stateTTL: Duration?
    /// Stable per process slot, so a restarted process fences the one it replaces.
    public var instanceID: String
    public var clock: any TierClock = SystemClock()
    /// The event types each input topic may carry (from the topology); others are dead-lettered. Empty: any.
    public var acceptedTypes: [String: Set<String>] = [:]
    /// The topic each event type the tier emits goes to when its `Emit` names none: of the topics the tier produces
    /// (in the topology), the one that carries the type. A type two of them carry is left out (name the topic).
    public var outputTopics: [String: String] = [:]
    /// Where the tier's metrics go (default: the process-wide `MetricsSystem`).
    public var metricsFactory: (any MetricsFactory)?
    /// Extra librdkafka consumer settings (e.g. session timeouts).
    public var consumerProperties: [String: String] = [:]
    /// How long a transaction's commit may take before its outcome counts as unknown (the producer is then
    /// re-initialised and the batch re-processed from the last commit): the Kafka configuration's
    /// `transaction.timeout.ms` when set, else 30 s.
    public var commitTimeout: Duration {
        kafka.properties["transaction.timeout.ms"].flatMap { Int($0) }.map { .milliseconds($0) } ?? .seconds(30)
    }
    /// Time every batch stage (`bizflow_tier_stage_nanoseconds_total`): a clock read around each stage of each
    /// event, for `bizflow-lab bench --profile` and for finding where a tier's time goes.
    public var profileStages = false
    /// Where partitions keep their state on local disk (`<directory>/<group>/<partition>`, with checkpoints,
    /// so a restart reads only the changelog's tail); nil: in memory, restored from the whole changelog each time.
    public var stateDirectory: String?
    /// Keys of a partition cached in memory over its local store; beyond this many the cache is dropped after a commit.
    public var stateCacheKeys = 10_000
    /// Partitions to keep warm copies of while another process owns them (standby replicas, with a state
    /// directory): taking one over then reads only the changelog written since the last refresh.
    public var standbyPartitions: [Int32] = []
    /// How often standby copies catch up with their changelogs (between batches).
    public var standbyInterval: Duration = .seconds(2)
    /// Where the runner reports its group membership (for `bizflow ops groups`); nil: not reported.
    public var members: MemberReporter?

    public init(name: String, groupID: String, inputs: [String], changelog: String, kafka: KafkaConfig, instanceID: String) {
        self.name = name
        self.groupID = groupID
        self.inputs = inputs
        self.changelog = changelog
        self.kafka = kafka
        self.instanceID = instanceID
    }

    /// The dead-letter topic of an input.
    public static func deadLetterTopic(of topic: String) -> String { topic + ".dlq" }
}
