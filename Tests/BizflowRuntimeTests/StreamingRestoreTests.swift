import BizflowKafka
import BizflowLocalStore
@testable import BizflowRuntime
import Foundation
import Testing

/// A restore fed a chunk at a time must end where a restore of everything at once ends, whatever the cut.
@Suite("Restores read the changelog a chunk at a time")
struct StreamingRestoreTests {
    func group(_ txn: String, _ key: String, _ value: String?, offset: Int64) -> ChangelogRestorer.Record {
        .init(
            key: ChangelogGroup.recordKey(key),
            value: ChangelogGroup.encode(value.map { [("s", Array($0.utf8))] } ?? [], changedAt: offset * 1_000), txn: txn,
            offset: offset)
    }

    func marker(_ txn: String, offset: Int64, aborted: [String] = []) -> ChangelogRestorer.Record {
        .init(
            key: CommitMarker.recordKey, value: CommitMarker(txn: txn, offsets: ["in": offset], aborted: aborted).bytes, txn: txn,
            offset: offset)
    }

    /// Committed batches, a batch aborted after its marker, a crash leftover, deletes and an unmarked tail.
    var changelog: [ChangelogRestorer.Record] {
        let written: [(txn: String, key: String, value: String?)?] = [
            ("a:0", "k", "1"), ("a:0", "j", "x"), ("a:0", "gone", "soon"), nil,
            ("a:1", "k", "2"), ("a:1", "gone", nil), nil,
            ("a:2", "k", "aborted"), ("a:2", "j", "aborted"), nil,  // its marker is written, then its commit fails
            nil,  // a:3, listing a:2 as aborted
            ("b:0", "j", "torn"),  // a crash leftover
            ("c:0", "k", "3"), ("c:0", "new", "n"), nil,  // listing b:0 as aborted
            ("c:1", "k", "tail"),  // no marker: the uncommitted tail
        ]
        let markers: [Int: (txn: String, aborted: [String])] = [
            3: ("a:0", []), 6: ("a:1", []), 9: ("a:2", []), 10: ("a:3", ["a:2"]), 14: ("c:0", ["b:0"]),
        ]
        return written.enumerated().map { offset, write in
            if let write { return group(write.txn, write.key, write.value, offset: Int64(offset)) }
            let mark = markers[offset]!
            return marker(mark.txn, offset: Int64(offset), aborted: mark.aborted)
        }
    }

    @Test("any cut into chunks gives the state, offsets, tail and checkpoint of the whole read")
    func chunksMatchWhole() {
        let whole = ChangelogRestorer(changelog)
        #expect(whole.state[StateKey("s", "k")] == Array("3".utf8))
        #expect(whole.state[StateKey("s", "j")] == Array("x".utf8))
        #expect(whole.state[StateKey("s", "gone")] == nil && whole.state[StateKey("s", "new")] == Array("n".utf8))
        #expect(whole.uncommittedTail == ["c:1"] && whole.lastMarker == StateCheckpoint(markerOffset: 14, txn: "c:0"))
        for size in 1...changelog.count {
            var restorer = ChangelogRestorer()
            var state: [String: [String: [UInt8]]] = [:]
            var start = 0
            while start < changelog.count {
                restorer.add(Array(changelog[start..<min(start + size, changelog.count)]))
                for (key, group) in restorer.takeGroups().groups { state[key] = group }
                start += size
            }
            restorer.finish()
            for (key, group) in restorer.takeGroups().groups { state[key] = group }
            #expect(state.compactMapValues(ChangelogRestorer.kept).mapValues { $0.map(\.value) } ==
                whole.groups.compactMapValues(ChangelogRestorer.kept).mapValues { $0.map(\.value) }, "chunks of \(size)")
            #expect(restorer.offsets == whole.offsets && restorer.lastMarker == whole.lastMarker, "chunks of \(size)")
            #expect(restorer.uncommittedTail == whole.uncommittedTail, "chunks of \(size)")
        }
    }

    @Test("a batch waits for the next marker's verdict; what others wrote before it waits on with it")
    func heldBatch() {
        var restorer = ChangelogRestorer()
        restorer.add([group("x:0", "left", "over", offset: 0), group("a:1", "k", "1", offset: 1), marker("a:1", offset: 2)])
        #expect(restorer.takeGroups().groups.isEmpty, "a:1 is not settled before the next marker")
        restorer.add([marker("a:2", offset: 3, aborted: ["a:1"])])
        #expect(restorer.takeGroups().groups.isEmpty, "a:1 aborted; the leftover now waits for a:2's verdict")
        restorer.add([marker("a:3", offset: 4)])
        let settled = restorer.takeGroups().groups
        #expect(settled.keys.sorted() == ["left"] && restorer.lastMarker == StateCheckpoint(markerOffset: 3, txn: "a:2"))
        restorer.finish()
        #expect(restorer.lastMarker == StateCheckpoint(markerOffset: 4, txn: "a:3"))
    }

    @Test("into a local store: written chunk by chunk, deletes across chunks hold, the checkpoint is the last marker's")
    func intoLocalStore() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("restore-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let local = PersistentPartition(
            store: try LMDBStore(directory: directory), lock: try #require(try StoreDirectoryLock(directory: directory)),
            directory: directory, expiryIndexed: true)
        defer { local.close(clean: false) }
        let settings = TierSettings(name: "t", groupID: "g", inputs: ["in"], changelog: "t.changelog", kafka: KafkaConfig(), instanceID: "0")
        let engine = TierEngine(settings: settings, incarnation: "w1")
        var restore = LocalRestore(0, into: local, checkpoint: nil, engine: engine, now: 0)
        let records = changelog
        for start in stride(from: 0, to: records.count, by: 2) { try restore.add(Array(records[start..<min(start + 2, records.count)])) }
        #expect(try local.group("gone") == nil && local.checkpoint == nil, "written, deleted in a later chunk; no checkpoint yet")
        try restore.finish(settleLast: true)
        let whole = ChangelogRestorer(records)
        #expect(local.checkpoint == whole.lastMarker)
        for key in ["k", "j", "new", "gone"] {
            let stored = try local.group(key).flatMap(ChangelogGroup.decode)?.filter { $0.key == "s" }
            #expect(stored == whole.groups[key].flatMap(ChangelogRestorer.kept).map { Dictionary(uniqueKeysWithValues: $0) }, "\(key)")
        }
        // From that checkpoint, a tail that does not start at its marker is refused before anything is written.
        var tail = LocalRestore(0, into: local, checkpoint: whole.lastMarker, engine: engine, now: 0)
        try tail.add([group("d:0", "k", "elsewhere", offset: 99)])
        #expect(tail.refused?.contains("does not hold its checkpoint's marker") == true)
        #expect(try local.group("k").flatMap(ChangelogGroup.decode)?["s"] == Array("3".utf8))
    }
}
