/// The state of one input partition of a tier: key → bytes per named store, kept in memory and mirrored to the
/// tier's changelog. A reference type so events can read it without copying; only the tier runner mutates it,
/// while it holds its batch lock.
public final class PartitionStore: @unchecked Sendable {
    public let partition: Int32
    private(set) var values: [StateKey: [UInt8]] = [:]
    /// Entries changed since the last changelog write.
    private(set) var dirty: Set<StateKey> = []
    /// Due time of every scheduled timer, so finding due ones never scans or decodes the rest of the state.
    private var timerDue: [StateKey: Double] = [:]
    /// The earliest due time among this partition's timers (nil: none), so idle ticks cost nothing.
    private(set) var nextTimerDue: Double?

    init(partition: Int32) { self.partition = partition }

    public subscript(key: StateKey) -> [UInt8]? { values[key] }

    /// Every key of one store (for domain code that scans, e.g. due timers).
    public func keys(in store: String) -> [String] { values.keys.filter { $0.store == store }.map(\.key) }

    public var count: Int { values.count }

    /// Applies writes (nil deletes) and remembers them for the changelog.
    func apply(_ writes: [StateKey: [UInt8]?]) {
        var timersChanged = false
        for (key, value) in writes {
            values[key] = value
            dirty.insert(key)
            if key.store == DurableTimer.store {
                indexTimer(key, value)
                timersChanged = true
            }
        }
        if timersChanged { nextTimerDue = timerDue.values.min() }
    }

    /// Restores an entry from the changelog (not dirty).
    func restore(_ key: StateKey, _ value: [UInt8]?) {
        values[key] = value
        if key.store == DurableTimer.store { indexTimer(key, value) }
    }

    func finishRestore() { nextTimerDue = timerDue.values.min() }

    /// Takes the changed entries with their current values, clearing the dirty set.
    func takeDirty() -> [(StateKey, [UInt8]?)] {
        defer { dirty.removeAll(keepingCapacity: true) }
        return dirty.map { ($0, values[$0]) }
    }

    /// Timers due at `now`, earliest first.
    func dueTimers(at now: Double) -> [DurableTimer] {
        guard let next = nextTimerDue, next <= now else { return [] }
        return timerDue.compactMap { key, due -> DurableTimer? in
            guard due <= now, let bytes = values[key] else { return nil }
            return DurableTimer(bytes: bytes)
        }.sorted { ($0.due, $0.id) < ($1.due, $1.id) }
    }

    private func indexTimer(_ key: StateKey, _ value: [UInt8]?) {
        timerDue[key] = value.flatMap { DurableTimer(bytes: $0)?.due }
    }
}
