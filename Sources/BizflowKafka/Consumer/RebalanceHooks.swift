/// Code a consumer's owner runs around rebalances. Both hooks run on the consumer's poll thread's behalf
/// and block the rebalance until they return, so they happen strictly before/after the change.
public struct RebalanceHooks: Sendable {
    /// Runs before partitions are given up: finish or abort the in-flight work on them, commit.
    public var partitionsRevoked: (@Sendable ([TopicPartition]) async -> Void)?
    /// Runs when partitions are assigned, before fetching starts: restore state; return start offsets to seek to
    /// (partitions left out start from the committed offset).
    public var partitionsAssigned: (@Sendable ([TopicPartition]) async -> [TopicPartition: Int64])?

    public init(
        partitionsRevoked: (@Sendable ([TopicPartition]) async -> Void)? = nil,
        partitionsAssigned: (@Sendable ([TopicPartition]) async -> [TopicPartition: Int64])? = nil
    ) {
        self.partitionsRevoked = partitionsRevoked
        self.partitionsAssigned = partitionsAssigned
    }
}
