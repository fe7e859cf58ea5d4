import BizflowEvents
import BizflowKafka
import Foundation
import Logging

/// Reads a tier's global topics whole in this process — every partition, from the beginning, in a consumer group of
/// its own — and hands each event to the tier's `global(_:)`, until cancelled.
enum GlobalReader {
    static func start(_ tier: any Tier, settings: TierSettings, logger: Logger) throws -> Task<Void, Never>? {
        let topics = tier.globalTopics
        guard !topics.isEmpty else { return nil }
        var configuration = KafkaConsumer.Configuration(
            kafka: settings.kafka, groupID: "\(settings.groupID)-global-\(EventEnvelope.newID().prefix(8))", topics: topics)
        configuration.clientID = "bizflow-\(settings.name)-global"
        configuration.properties = ["fetch.wait.max.ms": "100"]
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        return Task {
            while !Task.isCancelled {
                guard let batch = try? await consumer.nextBatch(max: 100, timeout: .milliseconds(500)) else { break }
                for message in batch {
                    do {
                        let (envelope, event) = try EventRecord.decode(message)
                        try await tier.global(
                            InboundEvent(
                                envelope: envelope, event: event, topic: message.topic, partition: message.partition,
                                offset: message.offset, key: message.keyString ?? event.eventKey, payload: message.value))
                    } catch {
                        logger.warning(
                            "a record of a global topic cannot be used: skipped",
                            metadata: ["topic": "\(message.topic)", "offset": "\(message.offset)", "error": "\(error)"])
                    }
                }
            }
            await consumer.close()
        }
    }
}
