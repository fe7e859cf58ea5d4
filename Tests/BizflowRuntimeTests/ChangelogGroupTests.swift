@testable import BizflowRuntime
import Testing

@Suite("Changelog records per key (one record carries a key's entries across stores)")
struct ChangelogGroupTests {
    func group(_ txn: String, _ key: String, _ entries: [(String, String)], at ms: Int64? = nil) -> ChangelogRestorer.Record {
        .init(
            key: ChangelogGroup.recordKey(key),
            value: ChangelogGroup.encode(entries.map { ($0.0, Array($0.1.utf8)) }, changedAt: ms), txn: txn)
    }

    func entry(_ txn: String, _ store: String, _ key: String, _ value: String) -> ChangelogRestorer.Record {
        .init(key: StateKey(store, key).recordKey, value: Array(value.utf8), txn: txn)
    }

    func marker(_ txn: String, offset: Int64, aborted: [String] = []) -> ChangelogRestorer.Record {
        .init(key: CommitMarker.recordKey, value: CommitMarker(txn: txn, offsets: ["in": offset], aborted: aborted).bytes, txn: txn)
    }

    func text(_ restorer: ChangelogRestorer, _ store: String, _ key: String) -> String? {
        restorer.state[StateKey(store, key)].map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("values round-trip: empty, long (multi-byte lengths), non-ASCII store names; truncated values are refused")
    func roundTrip() throws {
        let long = [UInt8](repeating: 7, count: 70_000)
        let entries: [(store: String, value: [UInt8])] = [("leads", Array("lead".utf8)), ("__seen", []), ("wörk", long)]
        let decoded = try #require(ChangelogGroup.decode(ChangelogGroup.encode(entries)))
        #expect(decoded == ["leads": Array("lead".utf8), "__seen": [], "wörk": long])
        #expect(ChangelogGroup.decode(ChangelogGroup.encode([])) == [:])
        let bytes = ChangelogGroup.encode(entries)
        for cut in [1, 3, 7, bytes.count - 1] {
            #expect(ChangelogGroup.decode(Array(bytes.prefix(cut))) == nil, "cut at \(cut)")
        }
        #expect(ChangelogGroup.key(ofRecordKey: ChangelogGroup.recordKey("lead-1")) == "lead-1")
        #expect(ChangelogGroup.key(ofRecordKey: StateKey("s", "k").recordKey) == nil)
    }

    @Test("a group record replaces every entry of its key, over entries written one per record before it")
    func replacesOlderFormat() {
        let restorer = ChangelogRestorer([
            entry("a:0", "leads", "k", "v1"), entry("a:0", "overrides", "k", "o1"), entry("a:0", "leads", "j", "j1"),
            marker("a:0", offset: 5),
            group("b:0", "k", [("leads", "v2"), ("__seen", "e1")]), marker("b:0", offset: 6),
        ])
        #expect(text(restorer, "leads", "k") == "v2")
        #expect(text(restorer, "__seen", "k") == "e1")
        #expect(text(restorer, "overrides", "k") == nil)  // not in the group: gone
        #expect(text(restorer, "leads", "j") == "j1")  // another key: untouched
        #expect(restorer.offsets == ["in": 6])
    }

    @Test("an empty group deletes the key; aborted and unmarked groups never count")
    func deletesAndAborts() throws {
        let restorer = ChangelogRestorer([
            group("a:0", "k", [("s", "1")]), group("a:0", "j", [("s", "x")]), marker("a:0", offset: 1),
            group("a:1", "k", []), marker("a:1", offset: 2),
            group("a:2", "j", [("s", "torn")]), marker("b:0", offset: 2, aborted: ["a:2"]),
            group("b:1", "j", [("s", "tail")]),
        ])
        #expect(text(restorer, "s", "k") == nil)
        #expect(text(restorer, "s", "j") == "x")
        #expect(restorer.uncommittedTail == ["b:1"])
        try restorer.check(partition: 0, changelog: "t.changelog")
    }

    @Test("a committed group that cannot be read fails the restore; an aborted one does not")
    func unreadable() {
        let garbage = ChangelogRestorer.Record(key: ChangelogGroup.recordKey("k"), value: [0x05, 0x61], txn: "a:0")
        let committed = ChangelogRestorer([garbage, marker("a:0", offset: 1)])
        #expect(throws: ChangelogUnreadable.self) { try committed.check(partition: 3, changelog: "t.changelog") }
        let aborted = ChangelogRestorer([garbage, marker("b:0", offset: 0, aborted: ["a:0"])])
        #expect(throws: Never.self) { try aborted.check(partition: 3, changelog: "t.changelog") }
    }

    @Test("the store takes its changed keys with all their entries, and counts entries")
    func storeGroupsByKey() throws {
        let store = PartitionStore(partition: 0)
        store.apply([StateKey("leads", "k"): [1], StateKey("__seen", "k"): [2], StateKey("leads", "j"): [3]])
        #expect(store.count == 3)
        var dirty = Dictionary(uniqueKeysWithValues: store.takeDirty().map { ($0.key, $0.entries) })
        #expect(dirty.count == 2)
        #expect(Dictionary(uniqueKeysWithValues: try #require(dirty["k"]).map { ($0.store, $0.value) }) == ["leads": [1], "__seen": [2]])
        #expect(store.takeDirty().isEmpty)
        store.apply([StateKey("leads", "k"): [UInt8]?.none])
        dirty = Dictionary(uniqueKeysWithValues: store.takeDirty().map { ($0.key, $0.entries) })
        #expect(try #require(dirty["k"]).map(\.store) == ["__seen"])
        #expect(store[StateKey("leads", "k")] == nil && store[StateKey("__seen", "k")] == [2])
        store.apply([StateKey("__seen", "k"): [UInt8]?.none])
        #expect(try #require(Dictionary(uniqueKeysWithValues: store.takeDirty().map { ($0.key, $0.entries) })["k"]).isEmpty)
        #expect(store.count == 1 && store.keys(in: "leads") == ["j"])
    }

    @Test("a restore knows when each key last changed, from its latest committed record; aborted writes do not count")
    func changeTimes() {
        let restorer = ChangelogRestorer([
            group("a:0", "k", [("s", "1")], at: 1_000), group("a:0", "j", [("s", "x")], at: 1_000), marker("a:0", offset: 1),
            group("a:1", "k", [("s", "2")], at: 5_000), marker("a:1", offset: 2),
            group("a:2", "j", [("s", "torn")], at: 9_000), marker("b:0", offset: 2, aborted: ["a:2"]),
            group("b:1", "g", [("s", "gone")], at: 9_500), group("b:1", "g", [], at: 9_600), marker("b:1", offset: 3),
            group("b:2", "old", [("s", "no time")]), marker("b:2", offset: 4),
        ])
        #expect(restorer.changedAt == ["k": 5, "j": 1], "the emptied key has no time; a record without one gives none")
        #expect(!restorer.state.keys.contains { $0.store == ChangelogGroup.changeTimeStore }, "the time is not state")
        #expect(text(restorer, "s", "old") == "no time")
        #expect(!restorer.legacyEntries)
        #expect(ChangelogRestorer([entry("a:0", "s", "k", "v"), marker("a:0", offset: 1)]).legacyEntries)
    }

    @Test("a change time travels in the group's value, ahead of the entries, and comes out of them whole")
    func changeTimeRoundTrip() throws {
        let entries: [(store: String, value: [UInt8])] = [("lead", [1, 2]), ("__seen", [])]
        for ms: Int64 in [0, 1, 1_800_000_000_123, -5, .max] {
            var decoded = try #require(ChangelogGroup.decode(ChangelogGroup.encode(entries, changedAt: ms)))
            #expect(ChangelogGroup.takeChangeTime(&decoded) == ms)
            #expect(decoded == ["lead": [1, 2], "__seen": []])
        }
        var plain = try #require(ChangelogGroup.decode(ChangelogGroup.encode(entries)))
        #expect(ChangelogGroup.takeChangeTime(&plain) == nil && plain.count == 2)
    }
}
