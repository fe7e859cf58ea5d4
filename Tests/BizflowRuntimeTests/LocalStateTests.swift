import BizflowKafka
import BizflowLocalStore
@testable import BizflowRuntime
import BizflowTestSupport
import Foundation
import Testing

@Suite("Tier state on local disk: checkpoints and what makes a store unusable", .serialized)
struct LocalStateTests {
    @Test("a killed, foreign or truncated store, or a checkpoint ahead of the changelog, is wiped and restored fully")
    func unusableStores() async throws {
        let h = try RuntimeHarness()
        for i in 0..<30 { try await h.send(h.lead("L\(i % 6)")) }
        var (runner, task) = h.start(h.settings(state: .disk))
        _ = try await read(h.broker, topic: h.output, count: 30)
        runner.stop()
        try await task.value
        let firstRestores = await runner.restores
        #expect(firstRestores.allSatisfy { !$0.fromCheckpoint && $0.reason == "no local state yet" }, "\(firstRestores)")

        // Partition 0 as a kill leaves it (marked in use), 1 with a checkpoint past the changelog's end, 2 a copy of 1's.
        try setMeta("clean", [0], at: h.stateDirectory(partition: 0))
        let two = h.stateDirectory(partition: 2)
        try FileManager.default.removeItem(atPath: two)
        try FileManager.default.copyItem(atPath: h.stateDirectory(partition: 1), toPath: two)
        try setMeta("checkpoint", Array("999999 elsewhere:1".utf8), at: h.stateDirectory(partition: 1))

        for i in 0..<6 { try await h.send(h.lead("L\(i)")) }
        (runner, task) = h.start(h.settings(state: .disk))
        let all = try h.scores(try await read(h.broker, topic: h.output, count: 36))
        runner.stop()
        try await task.value
        let restores = Dictionary(await runner.restores.map { ($0.partition, $0) }) { _, last in last }
        #expect(restores[0]?.reason?.contains("not closed cleanly") == true, "\(restores)")
        #expect(restores[1]?.reason?.contains("ahead of the changelog") == true, "\(restores)")
        #expect(restores[2]?.reason?.contains("belongs elsewhere") == true, "\(restores)")
        #expect(restores.values.allSatisfy { !$0.fromCheckpoint })
        // Restored fully, the counts go on: every lead's sixth event counts 6, nothing twice.
        let latest = Dictionary(all.map { ($0.lead, $0.total) }, uniquingKeysWith: max)
        #expect(latest == Dictionary(uniqueKeysWithValues: (0..<6).map { ("L\($0)", Int32(6)) }))
        #expect(Set(all.map(\.id)).count == 36)

        // A truncated data file is unreadable: wiped and restored fully as well.
        try FileHandle(forWritingTo: URL(fileURLWithPath: h.stateDirectory(partition: 0) + "/data.mdb")).truncate(atOffset: 100)
        (runner, task) = h.start(h.settings(state: .disk))
        let third = runner
        #expect(await eventually { await third.restores.contains { $0.partition == 0 } })
        runner.stop()
        try await task.value
        let truncated = await runner.restores.first { $0.partition == 0 }
        #expect(truncated?.reason?.contains("unreadable") == true, "\(String(describing: truncated))")
        #expect(await runner.restores.filter { $0.partition != 0 }.allSatisfy(\.fromCheckpoint))
        await h.close()
    }

    @Test("over a local store: entries, long keys, timers and expiry survive reopening; stale index entries go")
    func storeValues() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func open() throws -> PartitionStore { try openStore(directory, cacheLimit: 1) }
        let long = String(repeating: "k", count: 600)
        var store: PartitionStore! = try open()
        #expect(try StoreDirectoryLock(directory: directory) == nil, "one user of a directory at a time")
        let early = DurableTimer(name: "a", key: "x", due: Date(timeIntervalSince1970: 100), tenantID: "t")
        let late = DurableTimer(name: "b", key: "y", due: Date(timeIntervalSince1970: 500), tenantID: "t")
        store.apply([
            (StateKey("counts", "x"), [1]), (StateKey("counts", long), [2]), (StateKey("counts", "old"), [3]),
            (StateKey(DurableTimer.store, early.id), early.bytes), (StateKey(DurableTimer.store, late.id), late.bytes),
        ])
        try commit(store, at: 10)
        store.apply([(StateKey("counts", "x"), [4])])
        try commit(store, at: 50)
        store.local?.close(clean: true)
        store = nil  // releases the directory lock

        store = try open()
        #expect(store[StateKey("counts", "x")] == [4] && store[StateKey("counts", long)] == [2])
        #expect(store.keys(in: "counts").sorted() == [long, "old", "x"].sorted())
        #expect(store.local?.checkpoint == StateCheckpoint(markerOffset: 7, txn: "t:1"))
        #expect(store.dueTimers(at: 99).isEmpty && store.dueTimers(at: 100).map(\.id) == [early.id])
        // The early timer moves past the late one: its old index entry is stale and dropped when found.
        var moved = early
        moved.due = 900
        store.apply([(StateKey(DurableTimer.store, early.id), moved.bytes)])
        try commit(store, at: 60)
        #expect(store.dueTimers(at: 600).map(\.id) == [late.id])
        #expect(try store.local!.indexed("t", upTo: .max, max: 10).count == 2, "the stale entry at 100 went")
        // Expiry walks the change index up to the cutoff: "old" and the long key (changed at 10) go, x (50) stays.
        let removed = store.expire(changedBefore: 20) { store, _ in store == "counts" }
        #expect(removed == 2)
        try commit(store, at: 70)
        #expect(store[StateKey("counts", "old")] == nil && store[StateKey("counts", long)] == nil)
        #expect(store[StateKey("counts", "x")] == [4])
        #expect(try store.local!.indexed("c", upTo: .max, max: 10).map(\.key).sorted() == [early.id, "x"].sorted(), "late's entry went unexpired")
        store.local?.close(clean: true)
    }

    @Test("a cached key rewritten across commits keeps one expiry index entry, at its latest change, without rereading")
    func cachedChangeTimes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try openStore(directory, cacheLimit: 100)
        defer { store.local?.close(clean: false) }
        func indexed() throws -> [String: [Int64]] {
            Dictionary(grouping: try store.local!.indexed("c", upTo: .max, max: 100), by: \.key).mapValues { $0.map(\.time) }
        }
        for (i, time) in [10.0, 20, 30].enumerated() {
            store.apply([(StateKey("counts", "x"), [UInt8(i)]), (StateKey("counts", "y\(i)"), [1])])
            try commit(store, at: time)
        }
        #expect(store.indexedTimes["x"] == .some(30_000), "known from its last write, not read back")
        #expect(try indexed() == ["x": [30_000], "y0": [10_000], "y1": [20_000], "y2": [30_000]])
        store.apply([(StateKey("counts", "x"), nil)])
        try commit(store, at: 40)
        #expect(try indexed() == ["y0": [10_000], "y1": [20_000], "y2": [30_000]])
        #expect(store.expire(changedBefore: 25) { _, _ in true } == 2)
        try commit(store, at: 50)
        #expect(try indexed() == ["y2": [30_000]])
    }

    func openStore(_ directory: String, cacheLimit: Int) throws -> PartitionStore {
        let local = PersistentPartition(
            store: try LMDBStore(directory: directory), lock: try #require(try StoreDirectoryLock(directory: directory)),
            directory: directory, expiryIndexed: true)
        let store = PartitionStore(partition: 0, local: local, cacheLimit: cacheLimit)
        store.nextIndexedDue = try local.firstTimerDue()
        store.finishRestore()
        return store
    }

    /// Takes the store's changes as changelog groups changed at `time` and persists them, as a commit does.
    func commit(_ store: PartitionStore, at time: Double) throws {
        let records = store.takeDirty(changedAt: time).map { key, entries in
            ProducerMessage(
                topic: "changelog", partition: 0, key: ChangelogGroup.recordKey(key),
                value: ChangelogGroup.encode(entries, changedAt: Int64(time * 1_000)))
        }
        try store.persist(records, checkpoint: StateCheckpoint(markerOffset: 7, txn: "t:1"))
    }

    /// Writes one metadata entry of a closed store, as a kill or a foreign copy would leave it.
    func setMeta(_ name: String, _ value: [UInt8], at directory: String) throws {
        let store = try LMDBStore(directory: directory)
        try store.write([([UInt8(ascii: "m")] + Array(name.utf8), value)])
        store.close()
    }
}
