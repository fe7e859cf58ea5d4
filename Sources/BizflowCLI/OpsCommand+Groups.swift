import ArgumentParser
import BizflowEvents
import BizflowKafka
import BizflowRuntime
import Foundation

extension OpsCommand {
    /// `ops groups`: every member of every group as it reports itself, and whether the live ones cover the inputs.
    struct Groups: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every consumer group's members (host, pid, tier), their partitions and last heartbeat.",
            discussion: """
                Members report themselves to the compacted topic bizflow.members on every rebalance and every few \
                seconds (the embedded broker answers no DescribeGroups). A member that stops reporting is shown as \
                stale: killed or cut off; its partitions move to the others after the group's session timeout.
                """)
        @OptionGroup var options: OpsCommand.Options

        func run() async throws {
            let topology = try options.topologyOptions.loadChecked()
            let groups = try options.groups(topology)
            let kafka = try options.kafka.kafkaConfig()
            let logger = options.kafka.logger("bizflow.ops")
            let admin = try KafkaAdmin(config: kafka, logger: logger)
            let statusTopic = options.topicPrefix + MemberReporter.defaultTopic
            try await options.repeating {
                let topics = Dictionary(uniqueKeysWithValues: try await admin.listTopics().map { ($0.name, $0.partitions) })
                guard let statusPartitions = topics[statusTopic] else {
                    throw ValidationError("the topic \(statusTopic) does not exist: apply the topology (bizflow topology apply)")
                }
                let members = try await MemberDirectory.read(
                    kafka: kafka, topic: statusTopic, partitions: statusPartitions, logger: logger)
                let now = Date()
                let reports = groups.map { entry in
                    GroupReport(
                        group: entry.group, tier: entry.tier,
                        partitions: entry.topics.compactMap { topics[$0] }.max() ?? 0,
                        members: members.filter { $0.groupID == entry.group }, now: now)
                }
                return options.json ? jsonText(reports.map(\.json)) : GroupReport.table(reports, now: now)
            }
        }
    }
}
