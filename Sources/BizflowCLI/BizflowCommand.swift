import ArgumentParser
import BizflowKafka
import BizflowRuntime
import BizflowTopology
import Foundation
import Logging

/// The `bizflow` command line.
public struct BizflowCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bizflow",
        abstract: "Event-driven business workflows on Kafka: leads and orders through tiers of Swift actors.",
        subcommands: [
            BrokerCommand.self, TopologyCommand.self, RunCommand.self, DLQCommand.self, ProduceCommand.self, TailCommand.self,
            ProjectionsCommand.self, AnalyticsCommand.self, ServeCommand.self, KeysCommand.self, ModelCommand.self,
            DemoCommand.self, OpsCommand.self,
        ])

    public init() {}
}

/// Options every Kafka-facing command takes.
package struct KafkaOptions: ParsableArguments {
    package init() {}

    @Option(help: "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092).")
    package var bootstrap: String?

    @OptionGroup package var logging: LoggingOptions

    /// The client configuration: the flag, else the environment (`KAFKA_*`).
    package func kafkaConfig() throws -> KafkaConfig { try KafkaConfig.fromEnvironment(bootstrap: bootstrap) }

    package func logger(_ label: String) -> Logger { logging.logger(label) }
}

/// The log level option, and the logger it makes.
package struct LoggingOptions: ParsableArguments {
    package init() {}

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    package var logLevel: Logger.Level = .warning

    package func logger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = logLevel
        return logger
    }
}

/// The topology file option.
package struct TopologyOptions: ParsableArguments {
    package init() {}

    @Option(help: "Topology file (default: $BIZFLOW_TOPOLOGY or Topology/topology.yaml).")
    package var topology: String?

    package var path: String { topology ?? ProcessInfo.processInfo.environment["BIZFLOW_TOPOLOGY"] ?? "Topology/topology.yaml" }

    package func load() throws -> Topology { try Topology.load(path: path) }

    /// Loads the topology and refuses it, printing every problem with its line, unless it is consistent in itself and
    /// with the tiers of this build.
    package func loadChecked() throws -> Topology {
        let topology = try load()
        var problems = topology.problems()
        for tier in topology.tiers where tier.name != "projector" && TierCatalog.definitions.named(tier.name) == nil {
            problems.append(TopologyError(
                file: topology.file, line: tier.line,
                message: "tier \(tier.name) is declared, but this build has no tier of that name (it has \(TierCatalog.names.joined(separator: ", "))): remove it, or define it (docs/adding-a-tier.md)"))
        }
        for problem in problems { printError(problem.description) }
        guard problems.isEmpty else { throw ExitCode(1) }
        return topology
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
