import ArgumentParser
import BizflowEvents
import BizflowRuntime
import Logging

/// `bizflow demo`: the system on embedded defaults. For now: broker, topology, sample events, read back.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run Bizflow on an embedded broker with sample events.")

    @Option(help: "Number of sample leads.")
    var leads = 20

    @Option(help: "Number of sample orders.")
    var orders = 10

    @OptionGroup var topologyOptions: TopologyOptions

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.logger("bizflow.demo")
        let broker = try EmbeddedBroker(brokers: 3, logger: logger)
        let topology = try topologyOptions.loadChecked()
        let created = try await topology.apply(to: broker)
        print("▶ embedded broker at \(broker.bootstrapServers); \(created.count) topics from \(topologyOptions.path)")

        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: logger)
        var samples = SampleEvents(seed: 42)
        var sent: [ProducerMessage] = []
        for event in samples.leads(leads) + samples.orders(orders) {
            let topic = topology.inputTopic(for: type(of: event).eventType)!.name
            sent.append(try EventRecord.make(event, source: "bizflow/demo", topic: topic).0)
        }
        try await producer.sendBatch(sent)
        try await producer.flush()
        print("▶ produced \(leads) LeadCaptured and \(orders) OrderPlaced events (idempotent producer, CloudEvents headers)")

        var config = KafkaConsumer.Configuration(
            kafka: broker.kafkaConfig, groupID: "bizflow-demo", topics: ["leads.captured", "orders.placed"])
        config.autoOffsetReset = "earliest"
        let consumer = try KafkaConsumer(configuration: config, logger: logger)
        var read = 0
        while read < sent.count {
            for message in try await consumer.nextBatch() {
                if read < 3 || read == sent.count - 1 { print(EventPrinter.line(for: message)) }
                if read == 3 { print("…") }
                read += 1
            }
        }
        print("▶ read back \(read) events, every one decoded from protobuf with valid headers")
        await consumer.close()
        await producer.close()
    }
}
