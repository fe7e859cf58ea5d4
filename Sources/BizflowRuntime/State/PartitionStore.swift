/// The state of one input partition of a tier: key → bytes per named store, kept in memory and mirrored to the
/// tier's changelog. A reference type so events can read it without copying; only the tier runner mutates it,
/// while it holds its batch lock.
public final class PartitionStore: @unchecked Sendable {
    public let partition: Int32
    private(set) var values: [StateKey: [UInt8]] = [:]
    /// Entries changed since the last changelog write.
    private(set) var dirty: Set<StateKey> = []
    /// The earliest due time among this partition's timers (nil: none), so idle ticks cost nothing.
    private(set) var nextTimerDue: Double?

    init(partition: Int32) { self.partition = partition }

    public subscript(key: StateKey) -> [UInt8]? { values[key] }

    /// Every key of one store (for domain code that scans, e.g. due timers).
    public func keys(in store: String) -> [String] { values.keys.filter { $0.store == store }.map(\.key) }

    public var count: Int { values.count }

    /// Applies writes (nil deletes) and remembers them for the changelog.
    func apply(_ writes: [StateKey: [UInt8]?]) {
        for (key, value) in writes {
            values[key] = value
            dirty.insert(key)
        }
        if writes.keys.contains(where: { $0.store == DurableTimer.store }) { recomputeNextTimer() }
    }

    /// Restores an entry from the changelog (not dirty).
    func restore(_ key: StateKey, _ value: [UInt8]?) {
        values[key] = value
    }

    func finishRestore() { recomputeNextTimer() }

    /// Takes the changed entries with their current values, clearing the dirty set.
    func takeDirty() -> [(StateKey, [UInt8]?)] {
        defer { dirty.removeAll(keepingCapacity: true) }
        return dirty.map { ($0, values[$0]) }
    }

    /// Timers due at `now`, earliest first.
    func dueTimers(at now: Double) -> [DurableTimer] {
        guard let next = nextTimerDue, next <= now else { return [] }
        return values.compactMap { entry -> DurableTimer? in
            guard entry.key.store == DurableTimer.store, let timer = DurableTimer(bytes: entry.value),
                timer.due <= now
            else { return nil }
            return timer
        }.sorted { ($0.due, $0.id) < ($1.due, $1.id) }
    }

    private func recomputeNextTimer() {
        nextTimerDue = values.lazy.filter { $0.key.store == DurableTimer.store }
            .compactMap { DurableTimer(bytes: $0.value)?.due }.min()
    }
}
