import ArgumentParser
import BizflowKafka
import Foundation

extension OpsCommand {
    /// `ops lag`: per group, topic and partition, records between the committed offset and the end.
    struct Lag: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lag per consumer group, topic and partition, with totals.",
            discussion: """
                Lag is the high watermark minus the group's committed offset (or the log start when it has committed \
                nothing). Tiers commit their offsets in each batch's transaction; the projector commits to Kafka after \
                PostgreSQL, whose stored offsets are the truth (bizflow projections status).
                """)
        @OptionGroup var options: OpsCommand.Options
        @Flag(help: "List every partition, not only those with records.") var all = false

        func run() async throws {
            let topology = try options.topologyOptions.loadChecked()
            let groups = try options.groups(topology)
            let logger = options.kafka.logger("bizflow.ops")
            let admin = try KafkaAdmin(config: try options.kafka.kafkaConfig(), logger: logger)
            try await options.repeating {
                var byGroup: [(group: String, rows: [PartitionLag])] = []
                for entry in groups {
                    byGroup.append((entry.group, try await admin.lag(group: entry.group, topics: entry.topics)))
                }
                return options.json ? jsonText(json(byGroup)) : table(byGroup)
            }
        }

        func json(_ byGroup: [(group: String, rows: [PartitionLag])]) -> [String: Any] {
            var groups: [[String: Any]] = []
            for (group, rows) in byGroup {
                groups.append([
                    "group": group, "lag": Int(rows.reduce(0) { $0 + $1.lag }),
                    "partitions": rows.map { row in
                        [
                            "topic": row.topicPartition.topic, "partition": Int(row.topicPartition.partition),
                            "committed": row.committed.map { Int($0) } as Any, "high": Int(row.highWatermark),
                            "lag": Int(row.lag),
                        ] as [String: Any]
                    },
                ])
            }
            return ["groups": groups, "total_lag": Int(byGroup.flatMap(\.rows).reduce(0) { $0 + $1.lag })]
        }

        func table(_ byGroup: [(group: String, rows: [PartitionLag])]) -> String {
            var rows = [["group", "topic", "partition", "committed", "high", "lag"]]
            var totals = [["group", "lag"]]
            for (group, lags) in byGroup {
                for row in lags where all || row.highWatermark > 0 {
                    rows.append([
                        group, row.topicPartition.topic, String(row.topicPartition.partition),
                        row.committed.map(String.init) ?? "-", String(row.highWatermark), String(row.lag),
                    ])
                }
                totals.append([group, String(lags.reduce(0) { $0 + $1.lag })])
            }
            totals.append(["total", String(byGroup.flatMap(\.rows).reduce(0) { $0 + $1.lag })])
            return TextTable.render(rows) + "\n\n" + TextTable.render(totals)
        }
    }
}
