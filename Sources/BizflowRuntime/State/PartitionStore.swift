/// The state of one input partition of a tier: key → bytes per named store, mirrored to the tier's changelog, one
/// record per changed key (`ChangelogGroup`). In memory, or over a `PersistentPartition` on local disk: then
/// `values` is a cache of the keys read or changed since the last commit, bounded by `cacheLimit`, and the timer and
/// expiry indexes live on disk too. A reference type so events can read it without copying; only the tier runner
/// mutates it, while it holds its batch lock.
public final class PartitionStore: @unchecked Sendable {
    public let partition: Int32
    /// Per key, its entries across stores: a handful at most, so a scanned array rather than a dictionary. Over a
    /// persistent partition, a key read with nothing, or emptied and not yet persisted, stays here empty.
    var values: [String: [(store: String, value: [UInt8])]] = [:]
    /// The change time each cached key has on disk (nil inside: none), kept while expiry is on so a write need not
    /// read a key's old value again to move its expiry index entry.
    var indexedTimes: [String: Int64?] = [:]
    /// The committed state on local disk; nil: `values` is the whole state.
    let local: PersistentPartition?
    /// Keys cached beyond this many are dropped after a commit (over a persistent partition).
    let cacheLimit: Int
    /// The first error reading the local store in this batch: the batch must fail, not see missing state.
    var failure: (any Error)?
    /// Keys with entries changed since the last changelog write.
    var dirty: Set<String> = []
    private(set) var count = 0
    /// Due time of every scheduled timer, so finding due ones never scans or decodes the rest of the state (over a
    /// persistent partition: of the timers changed since the last commit; the others are indexed on disk).
    var timerDue: [StateKey: Double] = [:]
    /// The earliest due time among this partition's timers (nil: none), so idle ticks cost nothing.
    var nextTimerDue: Double?
    /// The earliest timer indexed on disk (over a persistent partition).
    var nextIndexedDue: Double?
    /// When each key's entries last changed (tier clock, seconds; set as they are taken for the changelog), kept only
    /// while expiry is on: the next sweep forgets the expirable entries of keys changed before its cutoff.
    private var changedAt: [String: Double] = [:]
    /// The tier clock's time of the next expiry sweep.
    var nextSweep = -Double.infinity
    /// Whether the changelog partition holds records of the per-entry format (see `ChangelogRestorer`).
    var hasLegacyEntries = false

    init(partition: Int32, local: PersistentPartition? = nil, cacheLimit: Int = 10_000) {
        self.partition = partition
        self.local = local
        self.cacheLimit = cacheLimit
    }

    public subscript(key: StateKey) -> [UInt8]? {
        if let entries = values[key.key] { return entries.first { $0.store == key.store }?.value }
        guard local != nil else { return nil }
        return load(key.key).first { $0.store == key.store }?.value
    }

    /// Every key of one store (for domain code that scans, e.g. due timers; over a persistent partition it reads
    /// every key on disk).
    public func keys(in store: String) -> [String] {
        var keys = Set(values.compactMap { key, entries in entries.contains { $0.store == store } ? key : nil })
        if local != nil { keys.formUnion(storedKeys(in: store)) }
        return keys.sorted()
    }

    /// Applies writes (nil deletes) and remembers their keys for the changelog.
    func apply(_ writes: [(key: StateKey, value: [UInt8]?)]) {
        var timersChanged = false
        for (key, value) in writes {
            set(key, value)
            dirty.insert(key.key)
            if key.store == DurableTimer.store {
                indexTimer(key, value)
                timersChanged = true
            }
        }
        if timersChanged { updateNextTimerDue() }
    }

    func updateNextTimerDue() {
        nextTimerDue = [timerDue.values.min(), nextIndexedDue].compactMap { $0 }.min()
    }

    /// Restores an entry from the changelog (not dirty).
    func restore(_ key: StateKey, _ value: [UInt8]?) {
        set(key, value)
        if key.store == DurableTimer.store { indexTimer(key, value) }
    }

    /// Restores when a key last changed (from its changelog record), for expiry.
    func restore(changedAt time: Double, of key: String) { changedAt[key] = time }

    func finishRestore() { updateNextTimerDue() }

    /// Forgets the entries `mayExpire` allows of every key unchanged since before `cutoff`, as changes for the next
    /// changelog write. Returns how many entries went. What a key keeps stays until it changes again.
    func expire(changedBefore cutoff: Double, where mayExpire: (_ store: String, _ value: [UInt8]) -> Bool) -> Int {
        if local != nil { return expireStored(changedBefore: cutoff, where: mayExpire) }
        var removed = 0
        // The stale keys first: removing while iterating would copy the whole index.
        for key in changedAt.compactMap({ $0.value < cutoff ? $0.key : nil }) {
            changedAt[key] = nil
            guard var entries = values[key] else { continue }
            let before = entries.count
            entries.removeAll { mayExpire($0.store, $0.value) }
            guard entries.count < before else { continue }
            removed += before - entries.count
            count -= before - entries.count
            values[key] = entries.isEmpty ? nil : entries
            dirty.insert(key)
        }
        return removed
    }

    /// Takes the changed keys with all their current entries, clearing the dirty set; with `time` (expiry on), the
    /// time their changelog records carry, which is when the keys with entries left count as changed.
    func takeDirty(changedAt time: Double? = nil) -> [(key: String, entries: [(store: String, value: [UInt8])])] {
        defer { dirty.removeAll(keepingCapacity: true) }
        return dirty.map { key in
            let entries = values[key] ?? []
            if let time, !entries.isEmpty, local == nil { changedAt[key] = time }
            return (key, entries)
        }
    }

    /// Timers due at `now`, earliest first.
    func dueTimers(at now: Double) -> [DurableTimer] {
        guard let next = nextTimerDue, next <= now else { return [] }
        if local != nil { return dueStoredTimers(at: now) }
        return timerDue.compactMap { key, due -> DurableTimer? in
            guard due <= now, let bytes = self[key] else { return nil }
            return DurableTimer(bytes: bytes)
        }.sorted { ($0.due, $0.id) < ($1.due, $1.id) }
    }

    private func set(_ key: StateKey, _ value: [UInt8]?) {
        if local != nil, values[key.key] == nil { _ = load(key.key) }
        // In place (one hash lookup); a key whose last entry went is removed after (kept empty over a persistent
        // partition until persisted: it hides what the disk still holds).
        if Self.update(&values[key.key, default: []], key.store, value, count: &count), local == nil { values[key.key] = nil }
    }

    /// Sets or removes a store's entry among a key's entries; true when none are left.
    private static func update(
        _ entries: inout [(store: String, value: [UInt8])], _ store: String, _ value: [UInt8]?, count: inout Int
    ) -> Bool {
        if let index = entries.firstIndex(where: { $0.store == store }) {
            if let value {
                entries[index].value = value
            } else {
                entries.remove(at: index)
                count -= 1
            }
        } else if let value {
            entries.append((store, value))
            count += 1
        }
        return entries.isEmpty
    }

    private func indexTimer(_ key: StateKey, _ value: [UInt8]?) {
        timerDue[key] = value.flatMap { DurableTimer(bytes: $0)?.due }
    }
}
