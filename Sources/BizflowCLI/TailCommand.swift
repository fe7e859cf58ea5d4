import ArgumentParser
import BizflowKafka
import BizflowRuntime
import Foundation

/// `bizflow tail <topic>`: decoded events as JSON lines.
struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail", abstract: "Print a topic's events as JSON lines with their headers.")

    @Argument(help: "Topic to read.")
    var topic: String

    @Flag(help: "Start from the oldest record instead of new ones.")
    var fromBeginning = false

    @Option(help: "Stop after this many records.")
    var max: Int?

    @OptionGroup var kafka: KafkaOptions

    func run() async throws {
        var config = KafkaConsumer.Configuration(
            kafka: try kafka.kafkaConfig(), groupID: "bizflow-tail-\(UUID().uuidString.prefix(8))", topics: [topic])
        config.autoOffsetReset = fromBeginning ? "earliest" : "latest"
        let consumer = try KafkaConsumer(configuration: config, logger: kafka.logger("bizflow.tail"))
        var printed = 0
        reading: while max.map({ printed < $0 }) ?? true {
            for message in try await consumer.nextBatch(max: max.map { $0 - printed } ?? 500) {
                print(EventPrinter.line(for: message))
                printed += 1
                if let max, printed >= max { break reading }
            }
        }
        await consumer.close()
    }
}
