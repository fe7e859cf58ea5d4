import ArgumentParser
import BizflowKafka
import BizflowPostgres
import BizflowProjector
import Foundation

extension ProjectionsCommand {
    /// Empties the read models and replays every topic from its earliest offset, with a progress bar, until the
    /// projection reaches the high watermarks it started from. Stop running projectors of the group first.
    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Truncate the read models and replay every topic from the beginning (stop `run projector` first).")
        @Option(help: "The projector's consumer group.") var group = "projector"
        @Option(help: "Events per PostgreSQL transaction.") var batch = 500
        @OptionGroup var topologyOptions: TopologyOptions
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var kafka: KafkaOptions

        func run() async throws {
            let logger = kafka.logger("bizflow.projections")
            let connection = database.connection(logger)
            let config = try kafka.kafkaConfig()
            let topics = try projectorTopics(try topologyOptions.load())
            try await Migrator().migrate(connection, logger: logger)
            var settings = ProjectorSettings(kafka: config, topics: topics)
            settings.groupID = group
            settings.maxBatch = batch
            let targets = try await ProjectionAdmin.status(
                database: connection, kafka: config, group: group, topics: settings.subscriptions, logger: logger)
            try await ProjectionAdmin.reset(database: connection, group: group)
            let total = targets.reduce(0) { $0 + $1.highWatermark - $1.lowWatermark }
            let projector = Projector(settings: settings, database: connection, logger: logger)
            let task = Task { try await projector.run() }
            let started = ContinuousClock.now
            let bar = ProgressBar(label: "rebuild", unit: "records")
            var done: Int64 = 0
            while done < total {
                try await Task.sleep(for: .milliseconds(250))
                let now = try await ProjectionAdmin.status(
                    database: connection, kafka: config, group: group, topics: settings.subscriptions, logger: logger)
                let stored = Dictionary(uniqueKeysWithValues: now.map { ($0.topicPartition, $0.stored) })
                done = targets.reduce(0) { sum, target in
                    let position = min(stored[target.topicPartition].flatMap { $0 } ?? target.lowWatermark, target.highWatermark)
                    return sum + max(0, position - target.lowWatermark)
                }
                bar.update(done, of: total)
                if task.isCancelled { break }
            }
            projector.stop()
            try await task.value
            bar.finish(done, of: total)
            print("rebuilt from \(total) records in \(ContinuousClock.now - started)")
            await connection.close()
        }
    }
}
