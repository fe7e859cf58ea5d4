import BizflowEvents
import BizflowKafka
import Foundation
import Logging
import ServiceLifecycle
import SwiftProtobuf
import Synchronization

/// Publishes what every consumer-group member of this process is doing (group, tier, host, pid, assigned
/// partitions, heartbeat) to a compacted status topic: on every rebalance and every `interval`. The embedded
/// broker answers no ListGroups/DescribeGroups, so `bizflow ops groups` reads this topic; a clean shutdown
/// writes tombstones, so what remains is live members and killed ones (their heartbeat ages).
public final class MemberReporter: Service, Sendable {
    /// The status topic of the topology.
    public static let defaultTopic = "bizflow.members"

    public let topic: String
    public let interval: Duration
    private let producer: KafkaProducer
    private let logger: Logger
    private let members = Mutex<[MemberKey: MemberStatus]>([:])
    private let leaving = Mutex<Set<MemberKey>>([])
    private let wake: AsyncStream<Void>.Continuation
    private let wakes: AsyncStream<Void>

    public init(kafka: KafkaConfig, topic: String = MemberReporter.defaultTopic, interval: Duration = .seconds(5), logger: Logger)
        throws(KafkaError)
    {
        self.topic = topic
        self.interval = interval
        self.logger = logger
        var configuration = KafkaProducer.Configuration(kafka: kafka)
        configuration.clientID = "bizflow-members"
        // A report that cannot be delivered soon is stale anyway: the next heartbeat replaces it.
        configuration.properties["message.timeout.ms"] = "10000"
        producer = try KafkaProducer(configuration: configuration, logger: logger)
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Registers a member (state: joining, nothing assigned) and reports it.
    public func join(group: String, tier: String, instance: String) -> MemberKey {
        let key = MemberKey(group: group, instance: instance)
        var status = MemberStatus()
        status.groupID = group
        status.tier = tier
        status.instanceID = instance
        status.host = ProcessInfo.processInfo.hostName
        status.pid = ProcessInfo.processInfo.processIdentifier
        status.state = .rebalancing
        status.startedAt = Google_Protobuf_Timestamp(date: Date())
        status.heartbeatIntervalMs = Int64(interval.milliseconds)
        members.withLock { $0[key] = status }
        leaving.withLock { _ = $0.remove(key) }
        wake.yield()
        return key
    }

    /// Partitions were assigned to the member (eager rebalancing: this is its whole new assignment).
    public func assigned(_ key: MemberKey, _ partitions: [TopicPartition], memberID: String?) {
        update(key) { status in
            var byTopic = Dictionary(grouping: status.assignment.flatMap { entry in
                entry.partitions.map { TopicPartition(entry.topic, $0) }
            } + partitions, by: \.topic)
            byTopic = byTopic.mapValues { Array(Set($0)).sorted() }
            status.assignment = byTopic.keys.sorted().map { topic in
                var entry = AssignedPartitions()
                entry.topic = topic
                entry.partitions = byTopic[topic]!.map(\.partition)
                return entry
            }
            status.state = .running
            if let memberID { status.clientMemberID = memberID }
        }
    }

    /// Partitions were taken from the member; a new assignment follows.
    public func revoked(_ key: MemberKey, _ partitions: [TopicPartition]) {
        let gone = Set(partitions)
        update(key) { status in
            status.assignment = status.assignment.compactMap { entry in
                var entry = entry
                entry.partitions.removeAll { gone.contains(TopicPartition(entry.topic, $0)) }
                return entry.partitions.isEmpty ? nil : entry
            }
            status.state = .rebalancing
        }
    }

    /// Counts processed events (reported with the next heartbeat, not immediately).
    public func processed(_ key: MemberKey, _ count: Int) {
        members.withLock { $0[key]?.processed += Int64(count) }
    }

    /// The member left cleanly: its record is deleted from the topic.
    public func leave(_ key: MemberKey) {
        members.withLock { _ = $0.removeValue(forKey: key) }
        leaving.withLock { _ = $0.insert(key) }
        wake.yield()
    }

    private func update(_ key: MemberKey, _ change: (inout MemberStatus) -> Void) {
        members.withLock { members in
            guard var status = members[key] else { return }
            change(&status)
            members[key] = status
        }
        wake.yield()
    }

    public func run() async throws {
        let ticker = Task { [wake, interval] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                wake.yield()
            }
        }
        await withGracefulShutdownHandler {
            for await _ in wakes { await publish() }
        } onGracefulShutdown: { [wake] in
            wake.finish()
        }
        ticker.cancel()
        // Members still registered at shutdown leave with the process.
        for key in members.withLock({ Array($0.keys) }) { leave(key) }
        await publish()
        await producer.close()
    }

    /// Writes every member's current status and the tombstones of members that left.
    func publish() async {
        let now = Google_Protobuf_Timestamp(date: Date())
        let (statuses, gone) = (
            members.withLock { members in
                members.keys.forEach { members[$0]!.heartbeatAt = now }
                return members
            },
            leaving.withLock { leaving in
                defer { leaving.removeAll() }
                return leaving
            }
        )
        var messages: [ProducerMessage] = gone.sorted().map { .tombstone(topic: topic, key: $0.recordKey) }
        for (key, status) in statuses.sorted(by: { $0.key < $1.key }) {
            guard let value = try? status.serializedBytes() as [UInt8] else { continue }
            messages.append(
                ProducerMessage(
                    topic: topic, key: key.recordKey, value: value,
                    headers: [KafkaHeader("ce_type", MemberStatus.protoMessageName), KafkaHeader("content-type", "application/protobuf")]))
        }
        guard !messages.isEmpty else { return }
        do {
            _ = try await producer.sendAll(messages)
        } catch {
            // Status is advisory: the next heartbeat tries again. Tombstones are kept until they are written.
            leaving.withLock { $0.formUnion(gone) }
            logger.warning(
                "cannot publish member status: retrying with the next heartbeat",
                metadata: ["topic": "\(topic)", "error": "\(error)"])
        }
    }
}
