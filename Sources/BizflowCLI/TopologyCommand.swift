import ArgumentParser
import BizflowKafka
import BizflowTopology
import Foundation

/// `bizflow topology apply|check|graph`.
struct TopologyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topology", abstract: "Validate, apply, draw or render deployments of Topology/topology.yaml.",
        subcommands: [Apply.self, Check.self, Graph.self, Render.self])

    /// `topology check`: every problem, with its line; and no breaking change to the `.proto` files.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the topology file, and the .proto files against their committed snapshot.")
        @OptionGroup var topologyOptions: TopologyOptions
        @Option(help: "The .proto files' directory (default: Protos beside the topology's directory).")
        var protos: String?
        @Flag(help: "Record the .proto files as they are as the new snapshot, breaking changes included (deliberately).")
        var acceptSchema = false

        func run() async throws {
            let topology = try topologyOptions.loadChecked()
            let directory = protos ?? URL(fileURLWithPath: topologyOptions.path).deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Protos").path
            let current = try SchemaGuard.descriptors(ofProtosIn: directory)
            let snapshot = try SchemaGuard.snapshot(in: directory)
            let changes = snapshot.map {
                SchemaGuard.breakingChanges(from: $0, to: current, carried: Set(topology.topics.flatMap(\.events)))
            } ?? []
            if acceptSchema {
                try SchemaGuard.writeSnapshot(current, in: directory)
                for change in changes { print("accepted: \(change)") }
                print("\(directory)/\(SchemaGuard.snapshotName): recorded \(current.file.count) files")
                return
            }
            guard snapshot != nil else {
                printError("\(directory) has no \(SchemaGuard.snapshotName): record one with `bizflow topology check --accept-schema`")
                throw ExitCode(1)
            }
            for change in changes { printError("breaking change: \(change)") }
            guard changes.isEmpty else {
                printError("events already written would be misread; fix the .proto files, or accept deliberately with --accept-schema")
                throw ExitCode(1)
            }
            print("\(topologyOptions.path): \(topology.topics.count) topics, \(topology.tiers.count) tiers, no problems; "
                + "\(current.file.count) .proto files compatible with their snapshot")
        }
    }

    /// `topology apply`: create the missing topics (idempotent).
    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create the topics that do not exist yet.")
        @Option(help: "Replication factor of every topic, overriding the file (e.g. 1 on a single-broker cluster).")
        var replication: Int?
        @OptionGroup var topologyOptions: TopologyOptions
        @OptionGroup var kafka: KafkaOptions

        func validate() throws {
            if let replication, replication < 1 { throw ValidationError("--replication must be at least 1") }
        }

        func run() async throws {
            var topology = try topologyOptions.loadChecked()
            if let replication {
                for index in topology.topics.indices { topology.topics[index].replication = replication }
            }
            let admin = try KafkaAdmin(config: try kafka.kafkaConfig(), logger: kafka.logger("bizflow.topology"))
            let outcome: [String: TopicCreation]
            do {
                outcome = try await topology.apply(to: admin)
            } catch let error as KafkaError where error.code == KafkaErrorCode(rawValue: -165) || error.code == .unsupportedVersion {
                // -165: _UNSUPPORTED_FEATURE, what librdkafka reports when the broker lacks CreateTopics.
                printError("the cluster has no CreateTopics API: if it is `bizflow broker`, it creates the topology's topics itself when it starts (--topology FILE)")
                throw ExitCode(1)
            }
            let created = outcome.filter { $0.value == .created }.keys.sorted()
            for name in created { print("created \(name)") }
            print("\(created.count) created, \(outcome.count - created.count) already there")
        }
    }

    /// `topology graph`: Mermaid.
    struct Graph: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the flow as a Mermaid diagram.")
        @OptionGroup var topologyOptions: TopologyOptions

        func run() async throws {
            print(try topologyOptions.load().mermaid(), terminator: "")
        }
    }
}

/// Prints to standard error.
package func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
