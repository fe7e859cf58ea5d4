import ArgumentParser
import BizflowGateway
import BizflowKafka
import BizflowProjector
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// `bizflow serve`: the HTTP gateway until SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the HTTP gateway: ingestion, HITL commands, reads, /metrics, /healthz, /readyz.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Option(help: "Largest request body in bytes.") var bodyLimit = 64 * 1024
    @Option(help: "Requests per second per API key (bursts of twice that).") var rateLimit: Double = 200
    @Option(help: "Prefix of every topic (as for `run`).") var topicPrefix = ""
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var kafka: KafkaOptions

    func run() async throws {
        let logger = kafka.logger("bizflow.gateway")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let connection = database.connection(logger, name: "gateway")
        try await Migrator().migrate(connection, logger: logger)
        var producerConfiguration = KafkaProducer.Configuration(kafka: try kafka.kafkaConfig())
        producerConfiguration.clientID = "bizflow-gateway"
        producerConfiguration.properties["linger.ms"] = "1"
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        var settings = Gateway.Settings()
        settings.host = host
        settings.port = port
        settings.bodyLimit = bodyLimit
        settings.ratePerKey = rateLimit
        settings.burstPerKey = rateLimit * 2
        settings.topicPrefix = topicPrefix
        let gateway = Gateway(
            settings: settings, producer: producer, database: connection, kafka: try kafka.kafkaConfig(), registry: registry,
            logger: logger)
        let application = gateway.application { port in
            print("gateway listening on http://\(host):\(port) (OpenAPI: /openapi.yaml); SIGTERM or Ctrl-C stops")
        }
        let group = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await producer.close()
        await connection.close()
    }
}
