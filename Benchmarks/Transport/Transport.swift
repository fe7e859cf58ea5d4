import Benchmark
import BizflowKafka
import Foundation
import Logging
import RawLibrdkafka

// Produce, consume and consume→produce copy through the Swift API, each beside the same loop on librdkafka's C
// API, against one embedded broker in the same run. Compare the Swift and C rows of each pair.
let records = 100_000
let recordSize = 100

nonisolated(unsafe) var logger: Logger = {
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    return logger
}()

nonisolated(unsafe) let broker = try! EmbeddedBroker(brokers: 1, logger: logger)
nonisolated(unsafe) var topicCounter = 0

func newTopic(_ prefix: String) -> String {
    topicCounter += 1
    let name = "\(prefix).\(topicCounter).\(UUID().uuidString.prefix(6))"
    try! broker.createTopic(name, partitions: 8)
    return name
}

/// A topic holding `records` records, written by the C loop (outside the measurement).
func filledTopic() -> String {
    let topic = newTopic("filled")
    precondition(raw_produce(broker.bootstrapServers, topic, Int32(records), Int32(recordSize)) == 0)
    return topic
}

func swiftConsumer(_ topic: String) throws -> KafkaConsumer {
    var config = KafkaConsumer.Configuration(kafka: broker.kafkaConfig, groupID: "g-\(UUID())", topics: [topic])
    config.bufferCapacity = 20_000
    return try KafkaConsumer(configuration: config, logger: logger)
}

nonisolated(unsafe) let configuration = Benchmark.Configuration(
    metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident],
    timeUnits: .milliseconds, warmupIterations: 1, scalingFactor: .one, maxDuration: .seconds(20), maxIterations: 5)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = configuration

    Benchmark("Produce 100k x 100B / Swift") { benchmark in
        let topic = newTopic("p")
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: logger)
        let value = [UInt8](repeating: 120, count: recordSize)
        benchmark.startMeasurement()
        var batch: [ProducerMessage] = []
        batch.reserveCapacity(1_000)
        for i in 0..<records {
            batch.append(ProducerMessage(topic: topic, key: Array("k\(i % 1000)".utf8), value: value))
            if batch.count == 1_000 {
                try await producer.sendBatch(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        try await producer.sendBatch(batch)
        try await producer.flush(timeout: .seconds(60))
        benchmark.stopMeasurement()
        await producer.close()
    }

    Benchmark("Produce 100k x 100B / C") { benchmark in
        let topic = newTopic("p")
        benchmark.startMeasurement()
        precondition(raw_produce(broker.bootstrapServers, topic, Int32(records), Int32(recordSize)) == 0)
        benchmark.stopMeasurement()
    }

    Benchmark("Consume 100k / Swift") { benchmark in
        let topic = filledTopic()
        benchmark.startMeasurement()
        let consumer = try swiftConsumer(topic)
        var received = 0
        while received < records { received += try await consumer.nextBatch(max: 5_000).count }
        await consumer.close()
        benchmark.stopMeasurement()
    }

    Benchmark("Consume 100k / C") { benchmark in
        let topic = filledTopic()
        benchmark.startMeasurement()
        precondition(raw_consume(broker.bootstrapServers, topic, "g-\(UUID())", Int32(records)) == 0)
        benchmark.stopMeasurement()
    }

    Benchmark("Copy 100k consume→produce / Swift") { benchmark in
        let input = filledTopic()
        let output = newTopic("copy")
        benchmark.startMeasurement()
        let consumer = try swiftConsumer(input)
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: logger)
        var copied = 0
        while copied < records {
            let batch = try await consumer.nextBatch(max: 5_000)
            try await producer.sendBatch(batch.map { ProducerMessage(topic: output, key: $0.key, value: $0.value) })
            copied += batch.count
        }
        try await producer.flush(timeout: .seconds(60))
        await consumer.close()
        await producer.close()
        benchmark.stopMeasurement()
    }

    Benchmark("Copy 100k consume→produce / C") { benchmark in
        let input = filledTopic()
        let output = newTopic("copy")
        benchmark.startMeasurement()
        precondition(raw_copy(broker.bootstrapServers, input, output, "g-\(UUID())", Int32(records)) == 0)
        benchmark.stopMeasurement()
    }
}
