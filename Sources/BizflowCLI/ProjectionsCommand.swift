import ArgumentParser
import BizflowKafka
import BizflowPostgres
import BizflowProjector
import BizflowTopology
import Foundation

/// `bizflow projections migrate|rebuild|status|pause|resume`.
struct ProjectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections", abstract: "Manage the PostgreSQL read models.",
        subcommands: [Migrate.self, Rebuild.self, Status.self, Pause.self, Resume.self])

    /// The topics the projector of the topology reads.
    static func projectorTopics(_ topology: Topology, prefix: String = "") throws -> [String] {
        guard let tier = topology.tier(named: "projector") else {
            printError("the topology declares no projector tier: add one with the topics to project")
            throw ExitCode(1)
        }
        return tier.consumes.map { prefix + $0 }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply the pending schema migrations.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let logger = logging.logger("bizflow.projections")
            let connection = database.connection(logger)
            let applied = try await Migrator().migrate(connection, logger: logger)
            print(applied.isEmpty ? "the schema is current" : "applied \(applied.joined(separator: ", "))")
            await connection.close()
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per partition: stored offset, high watermark, lag and the last event time.")
        @Option(help: "The projector's consumer group.") var group = "projector"
        @OptionGroup var topologyOptions: TopologyOptions
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var kafka: KafkaOptions

        func run() async throws {
            let logger = kafka.logger("bizflow.projections")
            let connection = database.connection(logger)
            let rows = try await ProjectionAdmin.status(
                database: connection, kafka: try kafka.kafkaConfig(), group: group,
                topics: try projectorTopics(try topologyOptions.load()), logger: logger)
            var table: [[String]] = [["topic", "partition", "stored", "high", "lag", "last event"]]
            for row in rows where row.highWatermark > 0 || row.stored != nil {
                table.append([
                    row.topicPartition.topic, String(row.topicPartition.partition), row.stored.map(String.init) ?? "-",
                    String(row.highWatermark), String(row.lag),
                    row.lastEventTime.map { $0.formatted(.iso8601) } ?? "-",
                ])
            }
            print(TextTable.render(table))
            print("total lag: \(rows.reduce(0) { $0 + $1.lag })")
            await connection.close()
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause every projector of a group (they stop fetching).")
        @OptionGroup var switchOptions: SwitchOptions
        func run() async throws { try await switchOptions.set(paused: true) }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused projector group.")
        @OptionGroup var switchOptions: SwitchOptions
        func run() async throws { try await switchOptions.set(paused: false) }
    }

    /// What pause and resume take, and the switch they flip.
    struct SwitchOptions: ParsableArguments {
        @Option(help: "The projector's consumer group.") var group = "projector"
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LoggingOptions

        func set(paused: Bool) async throws {
            let connection = database.connection(logging.logger("bizflow.projections"))
            try await ProjectorStore.setPaused(connection, group: group, paused)
            print("projector group \(group) \(paused ? "paused" : "resumed")")
            await connection.close()
        }
    }
}
