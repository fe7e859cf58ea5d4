import BizflowKafka

/// Rebuilds one partition's state from its changelog records. A write counts once a valid commit marker follows
/// it; writes and markers of batches listed as aborted (by any marker, or by this process) never count, and
/// writes after the last valid marker form the uncommitted tail. Reads both record formats: one key's entries
/// together (`ChangelogGroup`, written now) and one entry per record (store and key; written before).
struct ChangelogRestorer {
    /// One record's effect: an entry set or deleted, or all of a key's entries replaced.
    private enum Write {
        case entry(StateKey, [UInt8]?)
        case group(String, [String: [UInt8]])
    }

    struct Record {
        var key: [UInt8]?
        var value: [UInt8]
        var txn: String?
        /// Its offset in the changelog partition (-1: unknown).
        var offset: Int64 = -1
    }

    /// Every key the committed records wrote, with its entries at the end (none: the key was deleted).
    private(set) var groups: [String: [String: [UInt8]]] = [:]
    /// When each key's group record was written (ms, the tier clock), where the record says.
    private(set) var writtenAt: [String: Int64] = [:]
    private(set) var offsets: [String: Int64] = [:]
    /// The last commit marker applied: where a checkpoint of the restored state points.
    private(set) var lastMarker: StateCheckpoint?
    private(set) var aborted: Set<String>
    /// Batches whose writes are visible but never committed: the next marker must list them as aborted.
    private(set) var uncommittedTail: Set<String> = []
    private(set) var records = 0
    /// Group records whose value could not be read.
    private(set) var unreadable = 0
    /// Whether any record has the per-entry format: then a key emptied later must not be a tombstone, or compaction
    /// would uncover its per-entry records.
    private(set) var legacyEntries = false

    init(_ records: [Record], knownAborted: Set<String> = []) {
        self.records = records.count
        // Pass 1: a batch can be declared aborted by a marker written after its own (a commit that failed
        // after its marker was delivered), so collect every verdict before applying anything.
        var aborted = knownAborted
        for record in records where record.key == CommitMarker.recordKey {
            if let marker = CommitMarker(bytes: record.value) { aborted.formUnion(marker.aborted) }
        }
        self.aborted = aborted
        // Pass 2: apply writes batch by batch at their markers. On a compacted real-cluster changelog, older
        // batches may have lost their marker to a newer one: their writes are committed and still apply.
        var pending: [(txn: String, write: Write, time: Int64?)] = []
        var writtenAt: [String: Int64] = [:]
        var byKey: [String: [String: [UInt8]]] = [:]
        var lastMarker: StateCheckpoint?
        for record in records {
            guard let key = record.key, let txn = record.txn else { continue }
            if key == CommitMarker.recordKey {
                guard let marker = CommitMarker(bytes: record.value), !aborted.contains(marker.txn) else { continue }
                for (txn, write, time) in pending where !aborted.contains(txn) {
                    switch write {
                    case .entry(let key, let value): byKey[key.key, default: [:]][key.store] = value
                    case .group(let key, let entries):
                        byKey[key] = entries
                        writtenAt[key] = time
                    }
                }
                pending.removeAll(keepingCapacity: true)
                offsets.merge(marker.offsets) { _, new in new }
                lastMarker = StateCheckpoint(markerOffset: record.offset, txn: marker.txn)
            } else if let groupKey = ChangelogGroup.key(ofRecordKey: key) {
                guard var entries = ChangelogGroup.decode(record.value) else {
                    if !aborted.contains(txn) { unreadable += 1 }  // never guessed at: the restore fails (`check`)
                    continue
                }
                let time = ChangelogGroup.takeChangeTime(&entries)
                pending.append((txn, .group(groupKey, entries), time))
            } else if let stateKey = StateKey(recordKey: key) {
                legacyEntries = true
                pending.append((txn, .entry(stateKey, record.value.isEmpty ? nil : record.value), nil))
            }
        }
        groups = byKey
        self.writtenAt = writtenAt
        self.lastMarker = lastMarker
        uncommittedTail = Set(pending.map(\.txn)).subtracting(aborted)
    }

    /// The restored entries (empty values are deleted entries).
    var state: [StateKey: [UInt8]] {
        var state: [StateKey: [UInt8]] = [:]
        for (key, entries) in groups {
            for (store, value) in entries where !value.isEmpty { state[StateKey(store, key)] = value }
        }
        return state
    }

    /// When each key with state last changed (seconds), from its latest committed record that says.
    var changedAt: [String: Double] {
        var times: [String: Double] = [:]
        for (key, ms) in writtenAt where groups[key]?.values.contains(where: { !$0.isEmpty }) == true {
            times[key] = Double(ms) / 1_000
        }
        return times
    }

    /// The entries of `key` to keep (empty values dropped), nil when none are left.
    func kept(_ key: String) -> [(store: String, value: [UInt8])]? {
        let entries = (groups[key] ?? [:]).filter { !$0.value.isEmpty }.map { (store: $0.key, value: $0.value) }
        return entries.isEmpty ? nil : entries.sorted { $0.store < $1.store }
    }

    /// Throws when a record could not be read: state rebuilt without it would be silently wrong.
    func check(partition: Int32, changelog: String) throws(ChangelogUnreadable) {
        guard unreadable == 0 else { throw ChangelogUnreadable(changelog: changelog, partition: partition, records: unreadable) }
    }
}

extension ChangelogRestorer.Record {
    /// A changelog record as read from its topic.
    init(_ message: KafkaMessage) {
        self.init(key: message.key, value: message.value, txn: message.header(CommitMarker.txnHeader), offset: message.offset)
    }
}
