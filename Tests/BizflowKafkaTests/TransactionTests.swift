import BizflowEmbeddedBroker
import BizflowKafka
import BizflowTestSupport
import Testing

@Suite("Transactions and fault tolerance")
struct TransactionTests {
    @Test("committed transactions are visible to read_committed consumers, aborted ones are not")
    func commitAndAbort() async throws {
        let broker = try EmbeddedBroker(logger: testLogger())
        let topic = uniqueTopic()
        try broker.createTopic(topic, partitions: 2)
        let producer = try KafkaProducer(
            configuration: .init(kafka: broker.kafkaConfig, transactionalID: uniqueTopic("tx")), logger: testLogger())
        try await producer.initTransactions()

        func batch(_ label: String) -> [ProducerMessage] {
            (0..<5).map { ProducerMessage(topic: topic, key: "k\($0)", value: Array("\(label)-\($0)".utf8)) }
        }
        try producer.beginTransaction()
        try await producer.sendBatch(batch("committed1"))
        try await producer.commitTransaction()
        try producer.beginTransaction()
        try await producer.sendBatch(batch("aborted"))
        try await producer.flush()
        try await producer.abortTransaction()
        try producer.beginTransaction()
        try await producer.sendBatch(batch("committed2"))
        try await producer.commitTransaction()
        #expect(producer.transactionState == .ready)

        // A marker after the last commit on both partitions: everything before it is settled.
        let plain = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: testLogger())
        for p: Int32 in [0, 1] { _ = try await plain.send(ProducerMessage(topic: topic, partition: p, value: Array("end".utf8))) }

        let consumer = try KafkaConsumer(configuration: consumerConfig(broker, group: uniqueTopic("g"), topics: [topic]), logger: testLogger())
        // Read until both partitions' "end" arrived: everything written before it has been delivered by then.
        var received: [String] = []
        while received.filter({ $0 == "end" }).count < 2 {
            received += try await consume(consumer, count: 1).map { String(decoding: $0.value, as: UTF8.self) }
        }
        #expect(received.filter { $0.hasPrefix("committed") }.count == 10)
        #expect(received.filter { $0 == "end" }.count == 2)
        // librdkafka 2.0.2's mock cluster writes no COMMIT/ABORT markers, so aborted records reach even
        // read_committed consumers there; a real cluster hides them. See README, "The embedded broker".
        withKnownIssue("the embedded broker does not hide aborted transactions") {
            #expect(received.filter { $0.hasPrefix("aborted") }.isEmpty)
        }
        await consumer.close()
        await producer.close()
        await plain.close()
    }

    @Test("misuse of the transaction API is rejected by the state machine")
    func stateMachine() async throws {
        var state = ProducerState.created
        #expect(state.on(.begin) == .reject("call initTransactions() first"))
        #expect(state.on(.initialise) == .proceed)
        #expect(state.on(.initialised) == .proceed)
        #expect(state == .ready)
        #expect(state.on(.commit) != .proceed)
        #expect(state.on(.begin) == .proceed)
        #expect(state.on(.begin) != .proceed)
        #expect(state.on(.abortableError) == .proceed)
        #expect(state == .abortRequired)
        #expect(state.on(.commit) != .proceed)
        #expect(state.on(.abort) == .proceed)
        #expect(state.on(.aborted) == .proceed)
        #expect(state == .ready)
        #expect(state.on(.begin) == .proceed)
        #expect(state.on(.ambiguousError) == .reinitialise)
        #expect(state.on(.begin) != .proceed)
        #expect(state.on(.reinitialised) == .proceed)
        #expect(state.on(.close) == .proceed)
        #expect(state.on(.begin) != .proceed)
    }

    @Test("consume → produce with offsets in one transaction; the group's committed offsets move with it")
    func consumeTransformProduce() async throws {
        let broker = try EmbeddedBroker(logger: testLogger())
        let input = uniqueTopic("in"), output = uniqueTopic("out")
        try broker.createTopic(input, partitions: 2)
        try broker.createTopic(output, partitions: 2)
        let plain = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: testLogger())
        try await plain.sendBatch((0..<100).map { ProducerMessage(topic: input, key: "k\($0)", value: Array("\($0)".utf8)) })
        try await plain.flush()

        let group = uniqueTopic("g")
        let consumer = try KafkaConsumer(configuration: consumerConfig(broker, group: group, topics: [input]), logger: testLogger())
        let producer = try KafkaProducer(
            configuration: .init(kafka: broker.kafkaConfig, transactionalID: uniqueTopic("tx")), logger: testLogger())
        try await producer.initTransactions()
        let batch = try await consume(consumer, count: 100)
        try producer.beginTransaction()
        try await producer.sendBatch(batch.map { ProducerMessage(topic: output, key: $0.key, value: $0.value + [33]) })
        var next: [TopicPartition: Int64] = [:]
        for m in batch { next[m.topicPartition] = max(next[m.topicPartition] ?? 0, m.offset + 1) }
        try await producer.sendOffsetsToTransaction(
            next.map { TopicPartitionOffset($0.key, offset: $0.value) }, group: try consumer.groupMetadata())
        try await producer.commitTransaction()

        let admin = try KafkaAdmin(config: broker.kafkaConfig, logger: testLogger())
        let lags = try await admin.lag(group: group, topics: [input])
        // The mock cluster accepts TxnOffsetCommit but does not store the offsets; a real cluster does.
        withKnownIssue("the embedded broker does not store transactional offset commits") {
            #expect(lags.reduce(0) { $0 + $1.lag } == 0)
            #expect(lags.reduce(0) { $0 + ($1.committed ?? 0) } == 100)
        }
        let reader = try KafkaConsumer(configuration: consumerConfig(broker, group: uniqueTopic("g"), topics: [output]), logger: testLogger())
        #expect(try await consume(reader, count: 100).count == 100)
        for c in [consumer, reader] { await c.close() }
        await producer.close()
        await plain.close()
    }

    @Test("a broker down for seconds during production loses nothing and duplicates nothing")
    func brokerDown() async throws {
        let broker = try EmbeddedBroker(brokers: 3, logger: testLogger())
        let topic = uniqueTopic()
        try broker.createTopic(topic, partitions: 3, replicationFactor: 3)
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: testLogger())
        let total = 3_000
        let messages = (0..<total).map { ProducerMessage(topic: topic, key: "k\($0 % 11)", value: Array("\($0)".utf8)) }
        try await producer.sendBatch(Array(messages[..<1_000]))
        try broker.setBrokerDown()
        try await producer.sendBatch(Array(messages[1_000..<2_000]))
        try await Task.sleep(for: .seconds(2))  // the fault's duration, not a wait for a condition
        // Requests also fail once the broker is back: transport drops and leadership errors.
        broker.pushRequestErrors(.produce, [.transport, .notLeader, .requestTimedOut])
        try broker.setBrokerUp()
        try await producer.sendBatch(Array(messages[2_000...]))
        try await producer.flush(timeout: .seconds(60))

        let consumer = try KafkaConsumer(configuration: consumerConfig(broker, group: uniqueTopic("g"), topics: [topic]), logger: testLogger())
        let received = try await consume(consumer, count: total)
        let values = received.map { Int(String(decoding: $0.value, as: UTF8.self))! }
        #expect(values.count == total)
        #expect(Set(values).count == total)
        var last: [String: Int] = [:]
        for (message, value) in zip(received, values) {
            if let previous = last[message.keyString!] { #expect(value > previous) }
            last[message.keyString!] = value
        }
        await consumer.close()
        await producer.close()
    }

    @Test("a fatal error while committing re-initialises the producer, which then works")
    func reinitialiseAfterFatalCommit() async throws {
        let (broker, topic, producer) = try await openTransaction()
        // The coordinator fails EndTxn with an error librdkafka treats as fatal: the outcome is unknown.
        broker.pushRequestErrors(.endTxn, [.invalidTxnState])
        let error = await #expect(throws: KafkaError.self) { try await producer.commitTransaction() }
        #expect(error?.reason.contains("re-initialised") == true)
        #expect(producer.transactionState == .ready)

        try producer.beginTransaction()
        _ = try await producer.send(ProducerMessage(topic: topic, value: Array("second".utf8)))
        try await producer.commitTransaction()
        #expect(producer.transactionState == .ready)
        await producer.close()
    }

    @Test("a fenced producer (a zombie) stops for good instead of re-initialising")
    func fencedProducerStops() async throws {
        let (broker, _, producer) = try await openTransaction()
        broker.pushRequestErrors(.endTxn, [.producerFenced])
        let error = await #expect(throws: KafkaError.self) { try await producer.commitTransaction() }
        #expect(error?.isFatal == true)
        #expect(producer.transactionState == .closed)
        #expect(throws: KafkaError.self) { try producer.beginTransaction() }
        await producer.close()
    }

    /// A broker, a one-partition topic and a transactional producer with one record in an open transaction.
    func openTransaction() async throws -> (EmbeddedBroker, String, KafkaProducer) {
        let broker = try EmbeddedBroker(logger: testLogger())
        let topic = uniqueTopic()
        try broker.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(
            configuration: .init(kafka: broker.kafkaConfig, transactionalID: uniqueTopic("tx")), logger: testLogger())
        try await producer.initTransactions()
        try producer.beginTransaction()
        _ = try await producer.send(ProducerMessage(topic: topic, value: Array("first".utf8)))
        return (broker, topic, producer)
    }
}
