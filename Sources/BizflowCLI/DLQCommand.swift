import ArgumentParser
import BizflowKafka
import BizflowRuntime
import Foundation

/// `bizflow dlq list|replay <topic>`: what failed and why; re-inject it once fixed.
struct DLQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq", abstract: "Inspect and replay dead-letter topics.", subcommands: [List.self, Replay.self])

    /// Every record of `<topic>.dlq`, in partition then offset order.
    static func deadLetters(of topic: String, kafka: KafkaOptions) async throws -> [KafkaMessage] {
        let config = try kafka.kafkaConfig()
        let logger = kafka.logger("bizflow.dlq")
        let dlq = TierSettings.deadLetterTopic(of: topic)
        let admin = try KafkaAdmin(config: config, logger: logger)
        guard let info = try await admin.listTopics().first(where: { $0.name == dlq }) else {
            printError("topic \(dlq) does not exist: is \(topic) a consumed topic of the topology?")
            throw ExitCode(1)
        }
        let partitions = (0..<info.partitions).map { TopicPartition(dlq, Int32($0)) }
        return try await PartitionReader.readAll(partitions, kafka: config, logger: logger)
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a topic's dead letters with their reasons.")

        @Argument(help: "The original topic (its dead-letter topic is <topic>.dlq).")
        var topic: String
        @OptionGroup var kafka: KafkaOptions

        func run() async throws {
            let records = try await DLQCommand.deadLetters(of: topic, kafka: kafka)
            for record in records {
                let fields = [
                    "\(record.header(DeadLetter.Header.topic) ?? "?")[\(record.header(DeadLetter.Header.partition) ?? "?")]@\(record.header(DeadLetter.Header.offset) ?? "?")",
                    "tier=\(record.header(DeadLetter.Header.tier) ?? "?")",
                    "class=\(record.header(DeadLetter.Header.errorClass) ?? "?")",
                    "attempts=\(record.header(DeadLetter.Header.attempts) ?? "?")",
                    "key=\(record.keyString ?? "-")",
                    "reason=\(record.header(DeadLetter.Header.reason) ?? "")",
                ]
                print(fields.joined(separator: "  "))
            }
            print("\(records.count) dead letter(s) in \(TierSettings.deadLetterTopic(of: topic))")
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-inject dead letters into their original topic, for the tier that failed them.")

        @Argument(help: "The original topic (its dead-letter topic is <topic>.dlq).")
        var topic: String
        @Option(help: "Only dead letters of this tier.")
        var tier: String?
        @Option(help: "Only dead letters of this error class (e.g. retries_exhausted).")
        var errorClass: String?
        @OptionGroup var kafka: KafkaOptions

        func run() async throws {
            let records = try await DLQCommand.deadLetters(of: topic, kafka: kafka).filter { record in
                (tier == nil || record.header(DeadLetter.Header.tier) == tier)
                    && (errorClass == nil || record.header(DeadLetter.Header.errorClass) == errorClass)
            }
            let producer = try KafkaProducer(
                configuration: .init(kafka: try kafka.kafkaConfig()), logger: kafka.logger("bizflow.dlq"))
            var replayed = 0
            for record in records {
                guard let message = DeadLetter.replay(record) else { continue }
                _ = try await producer.send(message)
                replayed += 1
            }
            await producer.close()
            print("replayed \(replayed) dead letter(s) into \(topic)")
        }
    }
}
