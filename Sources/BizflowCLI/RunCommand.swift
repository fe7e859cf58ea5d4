import ArgumentParser
import BizflowKafka
import BizflowLeads
import BizflowProjector
import BizflowRuntime
import BizflowTopology
import Foundation
import Logging
import ServiceLifecycle

/// `bizflow run <tier…>`: tiers in this process until SIGTERM/SIGINT; processes of one tier share its group.
package struct RunCommand: AsyncParsableCommand {
    /// What the lab installs around the product's code to inject faults (`bizflow-lab run`); empty in `bizflow run`.
    package struct Hooks: Sendable {
        /// After each of the projector's PostgreSQL commits, with the count so far (before the Kafka commit).
        package var projectorCommitted: (@Sendable (Int) -> Void)?

        package init() {}
    }

    package static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run tiers and the projector until SIGTERM; start more processes to scale.",
        discussion: "Tiers of this build:\n"
            + TierCatalog.definitions.map { "  \($0.name.padding(toLength: 14, withPad: " ", startingAt: 0))\($0.summary)" }
                .joined(separator: "\n")
            + "\n  projector     the read models in PostgreSQL, exactly once per event"
            + "\nConfiguration, beside the topology file: "
            + TierCatalog.definitions.flatMap(\.configFiles).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                .joined(separator: ", "))

    @Argument(help: "Tiers to run.")
    var tiers: [String] = []

    @Flag(help: "Run every tier this build provides (not the projector, which needs PostgreSQL: name it).")
    var all = false

    @Option(help: "exactly-once (default) or at-least-once.")
    var mode: String = DeliveryMode.exactlyOnce.rawValue

    @Option(help: "A stable id for this process slot (default: host-pid); a restart with the same id fences the old one.")
    var instance: String?

    @Option(help: "Records per batch (one transaction each).")
    var batch = 2_000

    @Option(help: "Milliseconds a batch waits to fill up.")
    var lingerMs = 20

    @Option(help: "Run the tiers' clock this many times faster than real time (the demo uses it for timers).")
    var clockSpeed: Double = 1

    @Option(help: "Prefix of every topic and group name (to run a second pipeline on one cluster).")
    var topicPrefix = ""

    @Flag(help: "Dead-letter a key's later events behind a failed one until it is replayed.")
    var parkKeys = false

    @Flag(help: "Time each stage of every batch (bizflow_tier_stage_nanoseconds_total on the metrics endpoint).")
    var profileStages = false

    @Option(help: "Where each tier partition keeps its state on disk, with checkpoints, so a restart reads only the changelog's tail.")
    var stateDir = ".bizflow/state"

    @Flag(help: "Keep state in memory only, restored from the whole changelog at every start and rebalance.")
    var inMemoryState = false

    @Flag(help: "Keep warm copies of the partitions other processes own (standby replicas), so taking one over after a failure reads only the latest changelog records.")
    var standby = false

    @Option(help: "Keys per partition cached in memory over the state on disk (memory stays bounded by this, not by the keys).")
    var stateCacheKeys = 10_000

    @Option(help: "Hours the projector remembers applied event ids to drop duplicates (0: for ever).")
    var appliedRetentionHours: Double = 168

    @Option(help: "Serve Prometheus /metrics and /healthz on this port (off when not given; 0 picks a free one).")
    var metricsPort: Int?

    @Option(help: "Address the metrics endpoint listens on.")
    var metricsHost = "127.0.0.1"

    @OptionGroup var topologyOptions: TopologyOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var kafka: KafkaOptions

    package init() {}

    package func validate() throws {
        guard DeliveryMode(rawValue: mode) != nil else {
            throw ValidationError("--mode must be exactly-once or at-least-once")
        }
        guard all || !tiers.isEmpty else { throw ValidationError("name the tiers to run, or pass --all") }
        guard !(standby && inMemoryState) else { throw ValidationError("--standby keeps copies on disk: it cannot go with --in-memory-state") }
        guard stateCacheKeys > 0 else { throw ValidationError("--state-cache-keys must be positive") }
        guard appliedRetentionHours >= 0 else { throw ValidationError("--applied-retention-hours must not be negative") }
        for tier in tiers where !TierCatalog.names.contains(tier) && tier != "projector" {
            throw ValidationError("unknown tier \(tier): this build runs \(TierCatalog.names.joined(separator: ", ")) and projector")
        }
    }

    package func run() async throws { try await run(hooks: Hooks()) }

    package func run(hooks: Hooks) async throws {
        let logger = kafka.logger("bizflow.run")
        let registry = metricsPort.map { _ in MetricsEndpoint.bootstrap() }
        let topology = try topologyOptions.loadChecked()
        let names = all ? TierCatalog.names : tiers.filter { $0 != "projector" }
        let instanceID = instance ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        var factory = TierRunnerFactory(
            topology: topology, topologyPath: topologyOptions.path, kafka: try kafka.kafkaConfig(), instanceID: instanceID)
        factory.topicPrefix = topicPrefix
        factory.mode = DeliveryMode(rawValue: mode)!
        factory.batch = batch
        factory.linger = .milliseconds(lingerMs)
        factory.clock = clockSpeed == 1 ? SystemClock() : AcceleratedClock(speed: clockSpeed)
        factory.parkKeys = parkKeys
        factory.profileStages = profileStages
        factory.stateDirectory = inMemoryState ? nil : stateDir
        factory.stateCacheKeys = stateCacheKeys
        factory.standby = standby
        // First in the group, so it stops last and records every tier leaving.
        let members = try MemberReporter(kafka: try kafka.kafkaConfig(), topic: topicPrefix + MemberReporter.defaultTopic, logger: logger)
        factory.members = members
        var services: [any Service] = [members]
        services += try factory.make(names, logger: logger) as [any Service]
        if tiers.contains("projector") {
            let connection = database.connection(logger, name: "projector")
            try await Migrator().migrate(connection, logger: logger)
            var settings = ProjectorSettings(
                kafka: try kafka.kafkaConfig(),
                topics: try ProjectionsCommand.projectorTopics(topology, prefix: topicPrefix))
            settings.groupID = topicPrefix + settings.groupID
            settings.maxBatch = batch
            settings.appliedRetention = appliedRetentionHours > 0 ? .seconds(appliedRetentionHours * 3600) : nil
            settings.committed = hooks.projectorCommitted
            settings.members = members
            settings.instanceID = instanceID
            services.append(Projector(settings: settings, database: connection, logger: logger))
        }
        if let registry, let metricsPort {
            services.append(MetricsEndpoint.application(registry: registry, host: metricsHost, port: metricsPort, logger: logger))
        }
        let running = names + (tiers.contains("projector") ? ["projector"] : [])
        print("running \(running.joined(separator: ", ")) (\(mode), instance \(instanceID)); SIGTERM or Ctrl-C stops")
        var configurations = services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        if let watch = ParentWatch.fromEnvironment(logger: logger) {
            // Its end (the parent gone) stops the others gracefully, as SIGTERM would.
            configurations.append(.init(service: watch, successTerminationBehavior: .gracefullyShutdownGroup))
        }
        let group = ServiceGroup(
            configuration: .init(services: configurations, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
