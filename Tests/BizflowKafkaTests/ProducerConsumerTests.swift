import BizflowEmbeddedBroker
import BizflowKafka
import BizflowTestSupport
import Testing

@Suite("Producer and consumer on the embedded broker")
struct ProducerConsumerTests {
    @Test("a record round-trips with key, headers and explicit partition")
    func roundTrip() async throws {
        let broker = try EmbeddedBroker(logger: testLogger())
        let topic = uniqueTopic()
        try broker.createTopic(topic, partitions: 3)
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: testLogger())
        let headers = [KafkaHeader("ce_type", "x.y.Z"), KafkaHeader("binary", [0, 1, 255]), KafkaHeader("null", nil)]
        let report = try await producer.send(
            ProducerMessage(topic: topic, partition: 2, key: "lead-1", value: [1, 2, 3], headers: headers))
        #expect(report.partition == 2)
        #expect(report.offset == 0)

        let consumer = try KafkaConsumer(
            configuration: consumerConfig(broker, group: uniqueTopic("g"), topics: [topic]), logger: testLogger())
        let messages = try await consume(consumer, count: 1)
        let message = try #require(messages.first)
        #expect(message.topic == topic)
        #expect(message.partition == 2)
        #expect(message.keyString == "lead-1")
        #expect(message.value == [1, 2, 3])
        #expect(message.headers == headers)
        await consumer.close()
        await producer.close()
    }

    @Test("header names (cached per reading thread) and values read back exactly, past the cache's bound, with text and bytes")
    func headerNamesAndValues() async throws {
        let broker = try EmbeddedBroker(logger: testLogger())
        let topic = uniqueTopic()
        try broker.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: testLogger())
        // 80 distinct names over 4 records (the cache keeps 64), names that are prefixes of each other, long names,
        // an ASCII value, a UTF-8 one, bytes that are not UTF-8, and no value.
        let records = (0..<4).map { record in
            (0..<20).map { index -> KafkaHeader in
                let name = index.isMultiple(of: 2) ? "h\(record)-\(index)" : "h\(record)-\(index)-a-rather-long-name"
                switch index % 4 {
                case 0: return KafkaHeader(name, "ascii \(record)")
                case 1: return KafkaHeader(name, "ünïcödé \(record)")
                case 2: return KafkaHeader(name, [0xff, 0xfe, UInt8(record)])
                default: return KafkaHeader(name, nil)
                }
            } + [KafkaHeader("ce_correlationid", "c\(record)"), KafkaHeader("ce_id", "i\(record)"), KafkaHeader("ce_type", "x.y.Z")]
                + (0..<20).map { KafkaHeader("v\($0)", "value-\(record)-\($0)") }  // 80 distinct values: past the value cache
        }
        for headers in records {
            _ = try await producer.send(ProducerMessage(topic: topic, key: "k", value: [1], headers: headers))
        }
        let consumer = try KafkaConsumer(
            configuration: consumerConfig(broker, group: uniqueTopic("g"), topics: [topic]), logger: testLogger())
        let messages = try await consume(consumer, count: 4)
        #expect(messages.map(\.headers) == records)
        #expect(messages.last?.headers[1].stringValue == "ünïcödé 3")
        #expect(messages.last?.headers[2].stringValue == nil && messages.last?.headers[2].value == [0xff, 0xfe, 3])
        await consumer.close()
        // Again with every name marked as repeating: values go through the per-thread value cache (ASCII ones), the
        // rest the general way; the same headers come back.
        var repeating = consumerConfig(broker, group: uniqueTopic("g"), topics: [topic])
        repeating.repeatedHeaderValues = Set(records.flatMap { $0.map(\.key) })
        let cached = try KafkaConsumer(configuration: repeating, logger: testLogger())
        #expect(try await consume(cached, count: 4).map(\.headers) == records)
        await cached.close()
        await producer.close()
    }

    @Test("sendAll hands records over in order and returns every report in input order")
    func sendAll() async throws {
        let broker = try EmbeddedBroker(logger: testLogger())
        let topic = uniqueTopic()
        try broker.createTopic(topic, partitions: 2)
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: testLogger())
        let messages = (0..<2_000).map { ProducerMessage(topic: topic, partition: Int32($0 % 2), key: "k\($0 % 2)", value: [UInt8($0 % 256)]) }
        let reports = try await producer.sendAll(messages)
        #expect(reports.count == 2_000)
        #expect(reports.enumerated().allSatisfy { $0.element.partition == Int32($0.offset % 2) && $0.element.offset == Int64($0.offset / 2) })
        #expect(try await producer.sendAll([]).isEmpty)
        await producer.close()
    }

    @Test("fire-and-forget batches keep per-key order and flush reports delivery")
    func batchOrder() async throws {
        let broker = try EmbeddedBroker(logger: testLogger())
        let topic = uniqueTopic()
        try broker.createTopic(topic, partitions: 4)
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: testLogger())
        let keys = (0..<10).map { "key-\($0)" }
        let messages = (0..<2_000).map { i in
            ProducerMessage(topic: topic, key: keys[i % keys.count], value: Array("\(i)".utf8))
        }
        try await producer.sendBatch(messages)
        try await producer.flush()
        #expect(producer.inFlightCount == 0)

        let consumer = try KafkaConsumer(
            configuration: consumerConfig(broker, group: uniqueTopic("g"), topics: [topic]), logger: testLogger())
        let received = try await consume(consumer, count: 2_000)
        #expect(received.count == 2_000)
        var lastByKey: [String: Int] = [:]
        for message in received {
            let n = Int(String(decoding: message.value, as: UTF8.self))!
            if let last = lastByKey[message.keyString!] { #expect(n > last) }
            lastByKey[message.keyString!] = n
        }
        await consumer.close()
        await producer.close()
    }

    @Test("an unreachable cluster fails the send with an error that says what to do")
    func unreachable() async throws {
        var config = KafkaProducer.Configuration(kafka: KafkaConfig(bootstrapServers: "127.0.0.1:1"))
        config.properties = ["message.timeout.ms": "1000"]
        var logger = testLogger()
        logger.logLevel = .critical
        let producer = try KafkaProducer(configuration: config, logger: logger)
        let error = await #expect(throws: KafkaError.self) {
            _ = try await producer.send(ProducerMessage(topic: uniqueTopic(), value: [1]))
        }
        #expect(error?.code == .messageTimedOut)
        #expect(error?.description.contains("bizflow broker") == true)
        await producer.close()
    }

    @Test("a bad librdkafka property is rejected without echoing secret values")
    func badProperty() throws {
        var config = KafkaProducer.Configuration(kafka: KafkaConfig(properties: ["sasl.password": 3.description, "no.such.property": "x"]))
        config.clientID = "t"
        let error = #expect(throws: KafkaError.self) { _ = try KafkaProducer(configuration: config, logger: testLogger()) }
        #expect(error?.description.contains("no.such.property") == true)
    }
}
