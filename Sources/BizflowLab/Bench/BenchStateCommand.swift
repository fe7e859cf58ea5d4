import ArgumentParser
import BizflowLocalStore
import Foundation
import StateBench

/// `bizflow-lab bench-state`: a local state store alone at a given number of leads (write, read, expiry), for
/// choosing between LMDB and RocksDB and for checking memory stays flat as keys grow. One store per run, so each
/// process's memory is its own.
struct BenchStateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-state", abstract: "Measure a local state store alone: writes, reads and an expiry sweep.")

    @Option(help: "lmdb or rocksdb.")
    var store = "lmdb"

    @Option(help: "Leads' entries to write.")
    var keys = 1_000_000

    @Option(help: "Directory for the store (wiped first).")
    var directory = ".bizflow/bench-state"

    func validate() throws {
        guard ["lmdb", "rocksdb"].contains(store) else { throw ValidationError("--store must be lmdb or rocksdb") }
        guard keys > 0 else { throw ValidationError("--keys must be positive") }
    }

    func run() async throws {
        let path = (directory as NSString).appendingPathComponent(store)
        try? FileManager.default.removeItem(atPath: path)
        let opened: any OrderedKeyValueStore = store == "lmdb" ? try LMDBStore(directory: path) : try RocksDBStore(directory: path)
        let result = try StateStoreBench(keys: keys).run(opened, name: store)
        opened.close()
        func mb(_ bytes: some BinaryInteger) -> String { String(format: "%.0f MB", Double(bytes) / 1_048_576) }
        print(
            "\(result.store): \(result.keys) keys; writes \(Int(result.writesPerSecond))/s, random reads "
                + "\(Int(result.readsPerSecond))/s, expiry of \(result.expired) in \(String(format: "%.2f", result.expirySeconds)) s; "
                + "RSS \(mb(result.residentBytes)) (anonymous \(mb(result.anonymousBytes))), on disk \(mb(result.diskBytes))")
        try? FileManager.default.removeItem(atPath: path)
    }
}
