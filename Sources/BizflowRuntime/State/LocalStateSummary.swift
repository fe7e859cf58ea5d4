import BizflowLocalStore
import Foundation

/// What one partition's local store holds, read without disturbing a process using it (for `bizflow ops state`).
public struct LocalStateSummary: Sendable {
    public var group: String
    public var partition: Int32
    public var directory: String
    /// The changelog topic its owner recorded (nil: never opened by a tier, or unreadable).
    public var changelog: String?
    public var checkpoint: StateCheckpoint?
    /// Whether its last user closed it cleanly (a store in use reads as not clean).
    public var closedCleanly: Bool
    /// Records on disk: entries and their index entries.
    public var records: Int
    public var bytesOnDisk: Int64
    /// Why it could not be read, if it could not.
    public var problem: String?

    /// Every store under `root` (`<root>/<group>/<partition>`), by group and partition.
    public static func read(root: String) -> [LocalStateSummary] {
        let files = FileManager.default
        var found: [LocalStateSummary] = []
        for group in ((try? files.contentsOfDirectory(atPath: root)) ?? []).sorted() {
            let groupPath = (root as NSString).appendingPathComponent(group)
            for name in (try? files.contentsOfDirectory(atPath: groupPath)) ?? [] {
                guard let partition = Int32(name) else { continue }
                found.append(read(group: group, partition: partition, directory: (groupPath as NSString).appendingPathComponent(name)))
            }
        }
        return found.sorted { ($0.group, $0.partition) < ($1.group, $1.partition) }
    }

    static func read(group: String, partition: Int32, directory: String) -> LocalStateSummary {
        var summary = LocalStateSummary(
            group: group, partition: partition, directory: directory, closedCleanly: false, records: 0, bytesOnDisk: 0)
        do {
            let store = try LMDBStore(directory: directory, readOnly: true)
            defer { store.close() }
            let identity = try store.get(PersistentPartition.Meta.identity.key).map { String(decoding: $0, as: UTF8.self) }
            summary.changelog = identity?.split(separator: " ").first { $0.hasPrefix("changelog=") }.map { String($0.dropFirst(10)) }
            summary.checkpoint = try store.get(PersistentPartition.Meta.checkpoint.key).flatMap(StateCheckpoint.init(bytes:))
            summary.closedCleanly = try store.get(PersistentPartition.Meta.clean.key) == [1]
            summary.records = store.entryCount
            summary.bytesOnDisk = store.bytesOnDisk
        } catch {
            summary.problem = "\(error)"
        }
        return summary
    }
}
