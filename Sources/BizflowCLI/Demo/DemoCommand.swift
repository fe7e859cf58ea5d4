import ArgumentParser
import BizflowEmbeddedBroker
import BizflowEvents
import BizflowGateway
import BizflowKafka
import BizflowPostgres
import BizflowProjector
import BizflowRuntime
import BizflowWorkload
import Foundation
import Logging
import ServiceLifecycle

/// `bizflow demo`: the whole system in one process on embedded defaults — broker, every tier, the projector and
/// the gateway — driven by a seeded synthetic business, then the analytics and an HTML report.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole system on an embedded broker and PostgreSQL with a synthetic workload (ops/demo starts PostgreSQL).")

    @Option(help: "Leads to capture (through the HTTP gateway).") var leads = 3_000
    @Option(help: "Orders to place (straight to Kafka).") var orders = 300
    @Option(help: "Seed of the workload: the same seed, the same business.") var seed: UInt64 = 42
    @Flag(help: "Leave everything running afterwards and print URLs and example requests.") var keepRunning = false
    @Option(help: "Where to write the HTML report.") var report = ".bizflow/demo-report.html"
    @Option(help: "Write the run's expectations, projections and verdict as JSON here.") var summaryJSON: String?
    @Option(help: "Gateway port (0 picks a free one).") var gatewayPort = 8080
    @Option(help: "Fixed Kafka bootstrap port for other tools (0: none).") var brokerPort = 9092
    @Option(help: "Give up waiting for the projections after this many seconds.") var timeout = 600
    @OptionGroup var topologyOptions: TopologyOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard leads >= 0, orders >= 0, leads + orders > 0 else { throw ValidationError("--leads and --orders must not be negative") }
    }

    func run() async throws {
        let logger = logging.logger("bizflow.demo")
        guard database.databaseURL != nil || ProcessInfo.processInfo.environment["DATABASE_URL"] != nil
            || ProcessInfo.processInfo.environment["PGHOST"] != nil
        else {
            printError("the demo needs PostgreSQL: run ops/demo (it starts a throwaway cluster) or set DATABASE_URL")
            throw ExitCode(1)
        }
        let topology = try topologyOptions.loadChecked()
        let broker = try EmbeddedBroker(brokers: 1, logger: logger)
        _ = try await topology.apply(to: broker)
        var bootstrap = broker.bootstrapServers
        var forwarder: BootstrapForwarder?
        if brokerPort != 0 {
            do {
                forwarder = try BootstrapForwarder(port: brokerPort, target: broker.bootstrapServers)
                bootstrap = "127.0.0.1:\(brokerPort)"
            } catch {
                printError("port \(brokerPort) is taken: Kafka stays at \(broker.bootstrapServers) only")
            }
        }
        print("▶ embedded Kafka at \(bootstrap): \(topology.topics.count) topics from \(topologyOptions.path)")

        let connection = database.connection(logger, name: "demo")
        try await Migrator().migrate(connection, logger: logger)
        try await ProjectionAdmin.reset(database: connection, group: "projector")  // a fresh broker: fresh read models
        print("▶ PostgreSQL migrated; read models emptied for this run")

        // The provider of deliveries and notifications: a local sink, up before the tiers read its address.
        let sink = DemoSink()
        let sinkGroup = ServiceGroup(configuration: .init(services: [sink.application(logger: logger)], logger: logger))
        let sinkTask = Task { try await sinkGroup.run() }
        let sinkURL = try await sink.url()
        setenv("BIZFLOW_DELIVERY_URL", sinkURL + "/deliveries", 1)
        setenv("BIZFLOW_NOTIFY_URL", sinkURL + "/notifications", 1)
        setenv("BIZFLOW_WEBHOOK_SECRET", ProcessInfo.processInfo.environment["BIZFLOW_WEBHOOK_SECRET"] ?? "demo-secret", 1)

        // A simulated day every 20 seconds, so nurture steps, review SLAs and assignment SLAs fire within the run.
        let clock = AcceleratedClock(speed: 4_320)
        var factory = TierRunnerFactory(topology: topology, topologyPath: topologyOptions.path, kafka: broker.kafkaConfig, instanceID: "demo")
        factory.clock = clock
        let members = try MemberReporter(kafka: broker.kafkaConfig, logger: logger)
        factory.members = members
        let tiers = try factory.make(TierCatalog.names, logger: logger)
        var projectorSettings = ProjectorSettings(kafka: broker.kafkaConfig, topics: try ProjectionsCommand.projectorTopics(topology))
        projectorSettings.members = members
        projectorSettings.instanceID = "demo"
        let projector = Projector(settings: projectorSettings, database: database.connection(logger, name: "projector"), logger: logger)
        print("▶ \(tiers.count) tiers (\(TierCatalog.names.joined(separator: ", "))) and the projector; 1 simulated day = 20 s")

        let gatewayProducer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: logger)
        var settings = Gateway.Settings()
        settings.port = gatewayPort
        settings.ratePerKey = 100_000
        settings.burstPerKey = 100_000
        let gateway = Gateway(
            settings: settings, producer: gatewayProducer, database: database.connection(logger, name: "gateway"),
            kafka: broker.kafkaConfig, registry: nil, logger: logger)
        let gatewayPort = PortBox()
        let gatewayApp = gateway.application { port in await gatewayPort.set(port) }
        let key = try await APIKeys.create(tenant: WorkloadPlan.tenant, name: "demo", database: connection)

        let plan = WorkloadPlan(leads: leads, orders: orders, seed: seed, options: .demo)
        try FileManager.default.createDirectory(
            atPath: (report as NSString).deletingLastPathComponent.isEmpty ? "." : (report as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        let scenario = DemoScenario(
            plan: plan, broker: broker, database: connection,
            gatewayURL: { "http://127.0.0.1:\(await gatewayPort.wait())" }, apiKey: key.key, clock: clock,
            options: .init(
                keepRunning: keepRunning, reportPath: report, summaryPath: summaryJSON, brokerBootstrap: bootstrap,
                timeout: .seconds(timeout)),
            logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: members)]
        services += tiers.map { .init(service: $0) }
        services.append(.init(service: projector))
        services.append(.init(service: gatewayApp))
        services.append(
            .init(service: scenario, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup))
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        defer {
            forwarder?.stop()
        }
        do {
            try await group.run()
        } catch {
            await sinkGroup.triggerGracefulShutdown()
            _ = try? await sinkTask.value
            await gatewayProducer.close()
            await connection.close()
            throw error
        }
        await sinkGroup.triggerGracefulShutdown()
        _ = try? await sinkTask.value
        await gatewayProducer.close()
        await connection.close()
        print("▶ stopped cleanly")
    }
}

/// The gateway's port once it listens.
actor PortBox {
    private var port: Int?

    func set(_ port: Int) { self.port = port }

    func wait() async -> Int {
        while port == nil { try? await Task.sleep(for: .milliseconds(10)) }
        return port!
    }
}
