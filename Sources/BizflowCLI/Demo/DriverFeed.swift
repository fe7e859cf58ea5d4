import BizflowEvents
import BizflowKafka
import BizflowRuntime
import BizflowWorkload
import Foundation
import Logging

/// Feeds a workload's people-and-carriers driver from the order and nurture topics (each event once, by id), until
/// cancelled.
package enum DriverFeed {
    package static let topics = ["orders.assessed", "orders.reserved", "orders.fulfilment", "nurture.messages"]

    package static func start(_ driver: WorkloadDriver, kafka: KafkaConfig, group: String, logger: Logger) throws -> Task<Void, Never> {
        var configuration = KafkaConsumer.Configuration(kafka: kafka, groupID: group, topics: topics)
        configuration.properties = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "500", "fetch.wait.max.ms": "100"]
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        return Task {
            var seen = Set<String>()
            while !Task.isCancelled {
                guard let batch = try? await consumer.nextBatch(max: 500, timeout: .milliseconds(200)) else { break }
                for message in batch {
                    guard let (envelope, event) = try? EventRecord.decode(message), seen.insert(envelope.id).inserted else { continue }
                    await driver.saw(event)
                }
            }
            await consumer.close()
        }
    }
}
