import BizflowEvents
import BizflowKafka
import Foundation

extension MemberStatus {
    /// True when the member has missed several heartbeats: killed, hung or cut off from the cluster.
    public func isStale(at now: Date = Date()) -> Bool {
        let interval = max(Double(heartbeatIntervalMs) / 1000, 1)
        return now.timeIntervalSince(heartbeatAt.date) > 3 * interval
    }

    /// Its assigned partitions.
    public var topicPartitions: [TopicPartition] {
        assignment.flatMap { entry in entry.partitions.map { TopicPartition(entry.topic, $0) } }
    }
}
