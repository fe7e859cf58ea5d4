import ArgumentParser
import BizflowKafka
import BizflowTopology
import Foundation

/// `bizflow ops groups|lag|state`: who is in each consumer group, how far behind each group is, and the tiers' local
/// state stores.
struct OpsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ops", abstract: "Consumer groups (their members and lag) and the tiers' local state stores.",
        subcommands: [Groups.self, Lag.self, State.self])

    /// What both subcommands take.
    struct Options: ParsableArguments {
        @Option(help: "Only these consumer groups (repeatable; default: every group of the topology).")
        var group: [String] = []
        @Option(help: "Prefix of every topic and group name (as given to `bizflow run`).")
        var topicPrefix = ""
        @Flag(help: "Refresh until Ctrl-C.") var watch = false
        @Option(help: "Seconds between refreshes with --watch.") var interval: Double = 2
        @Flag(help: "Print JSON instead of a table.") var json = false
        @OptionGroup var topologyOptions: TopologyOptions
        @OptionGroup var kafka: KafkaOptions

        func validate() throws {
            guard interval > 0 else { throw ValidationError("--interval must be positive") }
        }

        /// The groups to report, with the topics each consumes (prefixed).
        func groups(_ topology: Topology) throws -> [(group: String, tier: String, topics: [String])] {
            let all = topology.tiers.map { (group: topicPrefix + $0.group, tier: $0.name, topics: $0.consumes.map { topicPrefix + $0 }) }
            let unknown = Set(group).subtracting(all.map(\.group))
            guard unknown.isEmpty else {
                throw ValidationError("no tier of \(topologyOptions.path) uses the group \(unknown.sorted().joined(separator: ", ")): groups are \(all.map(\.group).joined(separator: ", "))")
            }
            return group.isEmpty ? all : all.filter { group.contains($0.group) }
        }

        /// Runs `report` once, or every `interval` seconds with --watch (clearing the terminal in between).
        func repeating(_ report: () async throws -> String) async throws {
            repeat {
                let text = try await report()
                if watch { print("\u{1B}[H\u{1B}[2J", terminator: "") }
                print(text)
                if watch {
                    print("\n(refreshing every \(interval) s; Ctrl-C stops)")
                    try await Task.sleep(for: .seconds(interval))
                }
            } while watch
        }
    }
}

/// JSON text of a value for `--json` (sorted keys, so output diffs cleanly).
package func jsonText(_ value: Any) -> String {
    guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys]) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
}
