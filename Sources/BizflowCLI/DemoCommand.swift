import ArgumentParser
import BizflowEvents
import BizflowLeads
import BizflowRuntime
import Foundation
import Logging

/// `bizflow demo`: the system on embedded defaults — broker, topology, sample leads through scoring, assignment
/// and nurture (time running fast so nurture steps fire), then a summary.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run Bizflow on an embedded broker with sample events.")

    @Option(help: "Number of sample leads.")
    var leads = 200

    @Option(help: "Number of sample orders (produced; the order pipeline is not built yet).")
    var orders = 10

    @Option(help: "Seed of the sample generator.")
    var seed: UInt64 = 42

    @OptionGroup var topologyOptions: TopologyOptions

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.logger("bizflow.demo")
        let broker = try EmbeddedBroker(brokers: 3, logger: logger)
        let topology = try topologyOptions.loadChecked()
        let created = try await topology.apply(to: broker)
        print("▶ embedded broker at \(broker.bootstrapServers); \(created.count) topics from \(topologyOptions.path)")

        // A simulated day passes every 20 seconds, so day-later nurture steps fire within the run.
        let clock = AcceleratedClock(speed: 4_320)
        var factory = TierRunners(
            topology: topology, topologyPath: topologyOptions.path, kafka: broker.kafkaConfig, instanceID: "demo")
        factory.clock = clock
        let runners = try factory.make(["scoring", "assignment", "nurture"], logger: logger)
        let tasks = runners.map { runner in Task { try await runner.run() } }
        print("▶ tiers running in this process: scoring → assignment → nurture (exactly-once, 1 day = 20 s)")

        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: logger)
        var samples = SampleEvents(seed: seed)
        var sent: [ProducerMessage] = []
        for event in samples.leads(leads) + samples.orders(orders) {
            let topic = topology.inputTopic(for: type(of: event).eventType)!.name
            sent.append(try EventRecord.make(event, source: "bizflow/demo", topic: topic).0)
        }
        try await producer.sendBatch(sent)
        try await producer.flush()
        print("▶ produced \(leads) LeadCaptured and \(orders) OrderPlaced events (idempotent producer, CloudEvents headers)")

        let summary = try await DemoSummary.collect(
            broker: broker, leads: leads, until: clock.start.addingTimeInterval(32 * 3600), clock: clock, logger: logger)
        for runner in runners { runner.stop() }
        for task in tasks { try await task.value }
        await producer.close()
        summary.print()
        print("▶ deliveries: `bizflow run delivery` POSTs each message, signed, to BIZFLOW_DELIVERY_URL (see README)")
    }
}
