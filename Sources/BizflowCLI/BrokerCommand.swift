import ArgumentParser
import BizflowEmbeddedBroker
import BizflowKafka
import Foundation
import Logging
import ServiceLifecycle

/// `bizflow broker`: the embedded Kafka broker, until SIGINT/SIGTERM.
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run an embedded Kafka broker (librdkafka's mock cluster: in memory, about 5 MB per partition).")

    @Option(help: "Number of brokers in the cluster.")
    var brokers = 3

    @Option(help: "Fixed bootstrap port on 127.0.0.1 (0: only the brokers' own random ports).")
    var port = 9092

    @OptionGroup var topologyOptions: TopologyOptions

    @Option(help: "Write the bootstrap address to this file once the topics exist (for scripts).")
    var readyFile: String?

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.logger("bizflow.broker")
        let broker = try EmbeddedBroker(brokers: brokers, logger: logger)
        let topology = try topologyOptions.load()
        let created = try await topology.apply(to: broker)
        var forwarder: BootstrapForwarder?
        if port != 0 { forwarder = try BootstrapForwarder(port: port, target: broker.bootstrapServers) }
        let bootstrap = forwarder.map { "127.0.0.1:\($0.port)" } ?? broker.bootstrapServers
        print("embedded Kafka broker: \(brokers) broker(s), \(created.count) topics from \(topologyOptions.path)")
        print("bootstrap: \(bootstrap)   (brokers: \(broker.bootstrapServers))")
        print("export KAFKA_BOOTSTRAP_SERVERS=\(bootstrap)")
        print("in memory, about 5 MB per partition: older records vanish. Ctrl-C stops it.")
        if let readyFile { try bootstrap.write(toFile: readyFile, atomically: true, encoding: .utf8) }
        let group = ServiceGroup(
            configuration: .init(services: [broker], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        forwarder?.stop()
    }
}
