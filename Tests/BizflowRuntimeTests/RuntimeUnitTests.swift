@testable import BizflowRuntime
import Foundation
import Testing

@Suite("Runtime pieces as plain values")
struct RuntimeUnitTests {
    func write(_ txn: String, _ key: String, _ value: String) -> ChangelogRestorer.Record {
        .init(key: StateKey("s", key).recordKey, value: Array(value.utf8), txn: txn)
    }

    func marker(_ txn: String, offset: Int64, aborted: [String] = []) -> ChangelogRestorer.Record {
        .init(key: CommitMarker.recordKey, value: CommitMarker(txn: txn, offsets: ["in": offset], aborted: aborted).bytes, txn: txn)
    }

    func value(_ restorer: ChangelogRestorer, _ key: String) -> String? {
        restorer.state[StateKey("s", key)].map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("writes count once their batch's marker follows; the unmarked tail is dropped and reported")
    func committedAndTail() {
        let restorer = ChangelogRestorer([
            write("a:0", "k", "1"), marker("a:0", offset: 10),
            write("a:1", "k", "2"), write("a:1", "j", "x"),  // crashed before its marker
        ])
        #expect(value(restorer, "k") == "1")
        #expect(value(restorer, "j") == nil)
        #expect(restorer.offsets == ["in": 10])
        #expect(restorer.uncommittedTail == ["a:1"])
    }

    @Test("a batch listed as aborted by a later marker never counts, even if its own marker was written")
    func abortedAfterItsMarker() {
        let restorer = ChangelogRestorer([
            write("a:0", "k", "1"), marker("a:0", offset: 10),
            write("a:1", "k", "2"), marker("a:1", offset: 20),  // its commit then failed
            write("b:0", "k", "3"), marker("b:0", offset: 20, aborted: ["a:1"]),
        ])
        #expect(value(restorer, "k") == "3")
        #expect(restorer.offsets == ["in": 20])
        // Without the last batch, the verdict on a:1 is unknown here, but this process knows it.
        let partial = ChangelogRestorer(
            [write("a:0", "k", "1"), marker("a:0", offset: 10), write("a:1", "k", "2"), marker("a:1", offset: 20)],
            knownAborted: ["a:1"])
        #expect(value(partial, "k") == "1")
        #expect(partial.offsets == ["in": 10])
    }

    @Test("leftovers of a crashed writer before a newer marker are dropped once listed; compacted history still applies")
    func leftoversAndCompaction() {
        let restorer = ChangelogRestorer([
            write("a:5", "old", "kept"),  // its marker was compacted away: committed
            write("a:6", "k", "torn"),  // a crash leftover, listed by the next marker
            write("b:0", "k", "new"), marker("b:0", offset: 30, aborted: ["a:6"]),
        ])
        #expect(value(restorer, "old") == "kept")
        #expect(value(restorer, "k") == "new")
    }

    @Test("an empty value deletes")
    func tombstone() {
        let restorer = ChangelogRestorer([
            write("a:0", "k", "1"), marker("a:0", offset: 1), .init(key: StateKey("s", "k").recordKey, value: [], txn: "a:1"),
            marker("a:1", offset: 2),
        ])
        #expect(value(restorer, "k") == nil)
    }

    @Test("backoff doubles from the initial delay up to the cap; the budget is their sum")
    func backoff() {
        let policy = RetryPolicy(attempts: 6, initialDelay: .milliseconds(100), maxDelay: .milliseconds(500))
        #expect((1...5).map { policy.delay(after: $0) } == [100, 200, 400, 500, 500].map { Duration.milliseconds($0) })
        #expect(policy.budget == .milliseconds(1700))
        #expect(RetryPolicy(attempts: 0).attempts == 1)
    }

    @Test("derived ids are stable, UUID-shaped, and differ when any part differs")
    func derivedIDs() {
        let id = EventID.derived("input-1", "scoring", "0")
        #expect(id == EventID.derived("input-1", "scoring", "0"))
        #expect(id.count == 36 && id.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        #expect(id != EventID.derived("input-1", "scoring", "1"))
        #expect(EventID.derived("ab", "c") != EventID.derived("a", "bc"))
        // Pinned: a re-processed input after an upgrade must get the ids it had before (consumers dedupe on them).
        #expect(id == "61bf84d8-e658-eada-932d-86ffbe03f55d")
        #expect(EventID.derived("") == "af63d24f-42f4-7a42-dc00-31d179c4be81")
    }

    @Test("the dedupe window finds its ids and keeps the newest, as the split-and-join it replaced did")
    func dedupeWindow() {
        // The reference: what the runner did before it worked on bytes in place.
        func reference(_ window: [UInt8], _ id: [UInt8], _ size: Int) -> (Bool, [UInt8]) {
            let seen = window.split(separator: 0x0a)
            var kept = Array(seen.suffix(size - 1).joined(separator: [0x0a]))
            if !kept.isEmpty { kept.append(0x0a) }
            return (seen.contains { $0.elementsEqual(id) }, kept + id)
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let size = Int.random(in: 1...6, using: &generator)
            let ids = (0..<Int.random(in: 0...8, using: &generator)).map { _ in
                Array("e\(Int.random(in: 0...9, using: &generator))".utf8)
            }
            let window = Array(ids.joined(separator: [0x0a]))
            let id = "e\(Int.random(in: 0...9, using: &generator))"
            let (contains, appended) = reference(window, Array(id.utf8), size)
            #expect(DedupeWindow.contains(window, id) == contains)
            #expect(DedupeWindow.appending(window, id, size: size) == appended)
        }
        #expect(!DedupeWindow.contains([], "a"))
        #expect(!DedupeWindow.contains(Array("ab\ncd".utf8), "b"))
        #expect(DedupeWindow.appending(Array("a\nb\nc".utf8), "d", size: 3) == Array("b\nc\nd".utf8))
    }

    @Test("state keys round-trip through changelog record keys")
    func stateKeys() {
        let key = StateKey("workload", "rep-ada")
        #expect(StateKey(recordKey: key.recordKey) == key)
        #expect(key.recordKey == Array("workload\u{1f}rep-ada".utf8))
        #expect(StateKey(recordKey: Array("no-separator".utf8)) == nil)
    }

    @Test("a handler's writes stay in its overlay until applied; timers are found when due")
    func overlayAndTimers() {
        let store = PartitionStore(partition: 0)
        var state = TierState(store: store)
        state.set(3, "counts", "k")
        state.schedule(DurableTimer(name: "t", key: "k", due: Date(timeIntervalSince1970: 100), tenantID: "acme"))
        #expect(store.count == 0, "nothing reaches the store before the handler succeeds")
        #expect(state.value(Int.self, "counts", "k") == 3)
        store.apply(state.writes)
        #expect(store.dueTimers(at: 99).isEmpty)
        #expect(store.dueTimers(at: 100).map(\.id) == ["k/t"])
        #expect(Set(store.takeDirty().flatMap { $0.entries.map(\.store) }) == ["counts", DurableTimer.store])
        #expect(store.takeDirty().isEmpty)
    }
}
