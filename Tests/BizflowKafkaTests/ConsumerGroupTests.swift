import BizflowEmbeddedBroker
import BizflowKafka
import BizflowTestSupport
import Testing

@Suite("Consumer groups, rebalances and back-pressure")
struct ConsumerGroupTests {
    enum Hook: Equatable, Sendable {
        case assigned([TopicPartition])
        case revoked([TopicPartition])
    }

    /// A consumer whose hooks append to a per-member log.
    func member(_ broker: EmbeddedBroker, group: String, topic: String, log: Recorder<Hook>) throws -> KafkaConsumer {
        var config = consumerConfig(broker, group: group, topics: [topic])
        config.hooks = RebalanceHooks(
            partitionsRevoked: { log.append(.revoked($0.sorted())) },
            partitionsAssigned: { log.append(.assigned($0.sorted())); return [:] })
        return try KafkaConsumer(configuration: config, logger: testLogger())
    }

    @Test("two members share partitions; a third joining rebalances with revoke before assign")
    func rebalance() async throws {
        let broker = try EmbeddedBroker(logger: testLogger())
        let topic = uniqueTopic()
        try broker.createTopic(topic, partitions: 6)
        let group = uniqueTopic("g")
        let logs = (0..<3).map { _ in Recorder<Hook>() }
        let a = try member(broker, group: group, topic: topic, log: logs[0])
        let b = try member(broker, group: group, topic: topic, log: logs[1])
        let all = Set((0..<6).map { TopicPartition(topic, Int32($0)) })

        @Sendable func owned(_ consumers: [KafkaConsumer]) -> [Set<TopicPartition>] {
            consumers.map { Set((try? $0.assignment()) ?? []) }
        }
        @Sendable func isPartition(_ sets: [Set<TopicPartition>]) -> Bool {
            sets.allSatisfy { !$0.isEmpty } && sets.reduce(0) { $0 + $1.count } == 6
                && sets.reduce(into: Set<TopicPartition>()) { $0.formUnion($1) } == all
        }
        #expect(await eventually(timeout: .seconds(40)) { isPartition(owned([a, b])) })

        let c = try member(broker, group: group, topic: topic, log: logs[2])
        #expect(await eventually(timeout: .seconds(40)) { isPartition(owned([a, b, c])) })

        // Each member: hooks alternate, starting with an assignment, and every revoke names what it held.
        for log in logs.prefix(2) {
            let hooks = log.all
            #expect(hooks.count >= 3)
            var held: [TopicPartition] = []
            for (index, hook) in hooks.enumerated() {
                switch hook {
                case .assigned(let parts):
                    #expect(index % 2 == 0)
                    held = parts
                case .revoked(let parts):
                    #expect(index % 2 == 1)
                    #expect(parts == held)
                }
            }
        }
        if case .assigned = logs[2].all.first {} else { Issue.record("the new member's first hook is not an assignment") }
        for consumer in [a, b, c] { await consumer.close() }
    }

    @Test("a full buffer holds fetching back; draining it goes on at once, and nothing is lost or repeated")
    func backPressure() async throws {
        let broker = try EmbeddedBroker(logger: testLogger())
        let topic = uniqueTopic()
        try broker.createTopic(topic, partitions: 2)
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: testLogger())
        let total = 5_000
        try await producer.sendBatch((0..<total).map { ProducerMessage(topic: topic, key: "k\($0 % 7)", value: Array("\($0)".utf8)) })
        try await producer.flush()

        var config = consumerConfig(broker, group: uniqueTopic("g"), topics: [topic])
        config.bufferCapacity = 500
        // While nobody reads, the buffer stays bounded: capacity, plus at most one record per half second full, taken
        // so that rebalance events keep being served. The clock starts before the consumer: when the buffer filled is
        // not observable, and noticing it late on a loaded machine would understate the time it has been full.
        let started = ContinuousClock.now
        let consumer = try KafkaConsumer(configuration: config, logger: testLogger())
        #expect(await eventually { consumer.isBufferFull })
        for _ in 0..<10 {
            let halfSeconds = Int((ContinuousClock.now - started) / .milliseconds(500))
            #expect(consumer.bufferedCount <= 505 + halfSeconds, "after \(halfSeconds) half seconds full")
            try await Task.sleep(for: .milliseconds(50))
        }
        let received = try await consume(consumer, count: total)
        #expect(received.count == total)
        #expect(Set(received.map { String(decoding: $0.value, as: UTF8.self) }).count == total)
        await consumer.close()
        await producer.close()
    }

    @Test("admin lag equals produced minus committed, per partition")
    func lag() async throws {
        let broker = try EmbeddedBroker(logger: testLogger())
        let topic = uniqueTopic()
        try broker.createTopic(topic, partitions: 3)
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: testLogger())
        for p in 0..<3 {
            try await producer.sendBatch((0..<(10 * (p + 1))).map { _ in ProducerMessage(topic: topic, partition: Int32(p), value: [1]) })
        }
        try await producer.flush()
        let group = uniqueTopic("g")
        let consumer = try KafkaConsumer(configuration: consumerConfig(broker, group: group, topics: [topic]), logger: testLogger())
        _ = try await consume(consumer, count: 60)
        // Commit 4 records of partition 0 and 15 of partition 1; nothing of partition 2.
        try await consumer.commit([TopicPartitionOffset(topic, 0, offset: 4), TopicPartitionOffset(topic, 1, offset: 15)])

        let admin = try KafkaAdmin(config: broker.kafkaConfig, logger: testLogger())
        let lags = try await admin.lag(group: group, topics: [topic]).sorted { $0.topicPartition < $1.topicPartition }
        #expect(lags.map(\.highWatermark) == [10, 20, 30])
        #expect(lags.map(\.committed) == [4, 15, nil])
        #expect(lags.map(\.lag) == [6, 5, 30])
        await consumer.close()
        await producer.close()
    }
}
