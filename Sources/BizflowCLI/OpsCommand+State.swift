import ArgumentParser
import BizflowKafka
import BizflowRuntime
import Foundation

extension OpsCommand {
    /// `ops state`: the tiers' local state stores, their checkpoints and how much a restart would read.
    struct State: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Local state stores per group and partition: size, checkpoint, changelog end and restore lag.",
            discussion: """
                Restore lag is the changelog records after the checkpoint: what a restart over a cleanly closed store \
                reads. A store not closed cleanly (in use now, or killed) is restored fully when next opened.
                """)
        @Option(help: "The state directory given to `bizflow run`.") var stateDir = ".bizflow/state"
        @Flag(help: "Print JSON instead of a table.") var json = false
        @OptionGroup var kafka: KafkaOptions

        func run() async throws {
            let stores = LocalStateSummary.read(root: stateDir)
            guard !stores.isEmpty else {
                print("no local state stores under \(stateDir)")
                return
            }
            let logger = kafka.logger("bizflow.ops")
            var admin = try? KafkaAdmin(config: try kafka.kafkaConfig(), logger: logger, timeout: .seconds(5))
            var ends: [Int: Int64] = [:]
            for (index, store) in stores.enumerated() {
                guard let reachable = admin, let changelog = store.changelog else { continue }
                do {
                    ends[index] = try await reachable.watermarks(TopicPartition(changelog, store.partition)).high
                } catch {
                    // One failure says the cluster is out of reach: the rest would each wait as long.
                    printError("changelog ends unknown (\(error)): the restore lag needs the cluster")
                    admin = nil
                }
            }
            print(json ? jsonText(["stores": stores.indices.map { row(stores[$0], end: ends[$0]) }]) : table(stores, ends))
        }

        func row(_ store: LocalStateSummary, end: Int64?) -> [String: Any] {
            var row: [String: Any] = [
                "group": store.group, "partition": Int(store.partition), "records": store.records,
                "bytes_on_disk": Int(store.bytesOnDisk), "closed_cleanly": store.closedCleanly,
            ]
            row["changelog"] = store.changelog
            row["checkpoint"] = store.checkpoint.map { Int($0.markerOffset) }
            row["changelog_end"] = end.map { Int($0) }
            row["restore_lag"] = lag(store, end).map { Int($0) }
            row["problem"] = store.problem
            return row
        }

        func table(_ stores: [LocalStateSummary], _ ends: [Int: Int64]) -> String {
            var rows = [["group", "partition", "records", "on disk", "checkpoint", "clean", "changelog end", "restore lag"]]
            for (index, store) in stores.enumerated() {
                rows.append([
                    store.group, String(store.partition), String(store.records),
                    String(format: "%.1f MB", Double(store.bytesOnDisk) / 1_048_576),
                    store.checkpoint.map { String($0.markerOffset) } ?? "-", store.problem == nil ? (store.closedCleanly ? "yes" : "no") : "unreadable",
                    ends[index].map(String.init) ?? "-", lag(store, ends[index]).map(String.init) ?? "-",
                ])
            }
            return TextTable.render(rows)
        }

        /// Records a restart would read: after the checkpoint's marker, or the whole changelog without a usable store.
        func lag(_ store: LocalStateSummary, _ end: Int64?) -> Int64? {
            guard let end else { return nil }
            guard store.closedCleanly, let checkpoint = store.checkpoint, checkpoint.markerOffset < end else { return end }
            return end - checkpoint.markerOffset
        }
    }
}
