/// The state of one input partition of a tier: key → bytes per named store, kept in memory and mirrored to the
/// tier's changelog, one record per changed key (`ChangelogGroup`). A reference type so events can read it without
/// copying; only the tier runner mutates it, while it holds its batch lock.
public final class PartitionStore: @unchecked Sendable {
    public let partition: Int32
    /// Per key, its entries across stores: a handful at most, so a scanned array rather than a dictionary.
    private var values: [String: [(store: String, value: [UInt8])]] = [:]
    /// Keys with entries changed since the last changelog write.
    private var dirty: Set<String> = []
    private(set) var count = 0
    /// Due time of every scheduled timer, so finding due ones never scans or decodes the rest of the state.
    private var timerDue: [StateKey: Double] = [:]
    /// The earliest due time among this partition's timers (nil: none), so idle ticks cost nothing.
    private(set) var nextTimerDue: Double?
    /// When each key's entries last changed (tier clock, seconds; set as they are taken for the changelog), kept only
    /// while expiry is on: the next sweep forgets the expirable entries of keys changed before its cutoff.
    private var changedAt: [String: Double] = [:]
    /// The tier clock's time of the next expiry sweep.
    var nextSweep = -Double.infinity
    /// Whether the changelog partition holds records of the per-entry format (see `ChangelogRestorer`).
    var hasLegacyEntries = false

    init(partition: Int32) { self.partition = partition }

    public subscript(key: StateKey) -> [UInt8]? {
        values[key.key]?.first { $0.store == key.store }?.value
    }

    /// Every key of one store (for domain code that scans, e.g. due timers).
    public func keys(in store: String) -> [String] {
        values.compactMap { key, entries in entries.contains { $0.store == store } ? key : nil }
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
        if timersChanged { nextTimerDue = timerDue.values.min() }
    }

    /// Restores an entry from the changelog (not dirty).
    func restore(_ key: StateKey, _ value: [UInt8]?) {
        set(key, value)
        if key.store == DurableTimer.store { indexTimer(key, value) }
    }

    /// Restores when a key last changed (from its changelog record), for expiry.
    func restore(changedAt time: Double, of key: String) { changedAt[key] = time }

    func finishRestore() { nextTimerDue = timerDue.values.min() }

    /// Forgets the entries `mayExpire` allows of every key unchanged since before `cutoff`, as changes for the next
    /// changelog write. Returns how many entries went. What a key keeps stays until it changes again.
    func expire(changedBefore cutoff: Double, where mayExpire: (_ store: String, _ value: [UInt8]) -> Bool) -> Int {
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
            if let time, !entries.isEmpty { changedAt[key] = time }
            return (key, entries)
        }
    }

    /// Timers due at `now`, earliest first.
    func dueTimers(at now: Double) -> [DurableTimer] {
        guard let next = nextTimerDue, next <= now else { return [] }
        return timerDue.compactMap { key, due -> DurableTimer? in
            guard due <= now, let bytes = self[key] else { return nil }
            return DurableTimer(bytes: bytes)
        }.sorted { ($0.due, $0.id) < ($1.due, $1.id) }
    }

    private func set(_ key: StateKey, _ value: [UInt8]?) {
        // In place (one hash lookup); a key whose last entry went is removed after.
        if Self.update(&values[key.key, default: []], key.store, value, count: &count) { values[key.key] = nil }
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
