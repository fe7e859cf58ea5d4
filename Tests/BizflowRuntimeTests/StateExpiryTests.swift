@testable import BizflowRuntime
import Testing

@Suite("State expiry in a partition's store")
struct StateExpiryTests {
    /// Entries of stores "lead" and "__seen" may expire; "total" never does.
    func mayExpire(_ store: String, _ value: [UInt8]) -> Bool { store != "total" }

    func dirtyKeys(_ store: PartitionStore) -> [String: [String]] {
        Dictionary(uniqueKeysWithValues: store.takeDirty().map { ($0.key, $0.entries.map(\.store).sorted()) })
    }

    @Test("keys unchanged before the cutoff lose their expirable entries, as changes for the changelog; others stay")
    func expiresOldKeys() {
        let store = PartitionStore(partition: 0)
        store.apply([StateKey("lead", "a"): [1], StateKey("__seen", "a"): [2]])
        store.apply([StateKey("lead", "b"): [3], StateKey("total", "b"): [4]])
        _ = store.takeDirty(changedAt: 100)
        store.apply([StateKey("lead", "c"): [5]])
        _ = store.takeDirty(changedAt: 200)

        #expect(store.expire(changedBefore: 100, where: mayExpire) == 0, "nothing is older than the cutoff")
        #expect(store.expire(changedBefore: 150, where: mayExpire) == 3)
        #expect(dirtyKeys(store) == ["a": [], "b": ["total"]], "a is emptied, b keeps what never expires")
        #expect(store[StateKey("lead", "a")] == nil && store[StateKey("lead", "b")] == nil)
        #expect(store[StateKey("total", "b")] == [4] && store[StateKey("lead", "c")] == [5])
        #expect(store.count == 2)

        // What a key kept is not looked at again until the key changes; then its new entries expire in turn.
        #expect(store.expire(changedBefore: 190, where: mayExpire) == 0)
        store.apply([StateKey("lead", "b"): [6]])
        _ = store.takeDirty(changedAt: 300)
        #expect(store.expire(changedBefore: 301, where: mayExpire) == 2)
        #expect(dirtyKeys(store) == ["b": ["total"], "c": []])
        #expect(store.count == 1)
    }

    @Test("changes taken without a time (expiry off) are never swept; restored change times are")
    func untrackedAndRestored() {
        let store = PartitionStore(partition: 0)
        store.apply([StateKey("lead", "a"): [1]])
        _ = store.takeDirty()
        store.restore(StateKey("lead", "r"), [2])
        store.restore(changedAt: 50, of: "r")
        #expect(store.expire(changedBefore: 1_000, where: mayExpire) == 1)
        #expect(store[StateKey("lead", "a")] == [1] && store[StateKey("lead", "r")] == nil)
    }
}
