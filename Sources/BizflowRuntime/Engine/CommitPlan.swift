import BizflowKafka

/// What a batch writes, in this order: its outputs and dead letters, then the changelog group of every key it
/// changed, then — once all of those are acknowledged — one commit marker per touched changelog partition and the
/// consumed offsets; in one transaction in exactly-once mode.
struct CommitPlan: Sendable {
    /// The batch's id in commit markers and the changelog's `bizflow.txn` header.
    var txn: String
    var outputs: [ProducerMessage]
    var changelog: [ProducerMessage]
    var markers: [ProducerMessage]
    var offsets: [TopicPartitionOffset]
    /// The partitions the batch changed (a failed commit restores them).
    var touched: Set<Int32>
}
