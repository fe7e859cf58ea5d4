import BizflowKafka

/// Rebuilds one partition's state from its changelog records, fed in order a chunk at a time. A write counts once a
/// valid commit marker follows it; writes and markers of batches listed as aborted (by a marker, or by this process)
/// never count, and writes after the last valid marker form the uncommitted tail. A batch is settled only when the
/// partition's next marker arrives: a commit that failed after its marker was delivered is listed as aborted by the
/// writer's next marker there (until the end of the records, the last batch counts). Settled writes collect in
/// `groups` until taken, so a restore into a local store never holds more than a chunk's worth. Reads both record
/// formats: one key's entries together (`ChangelogGroup`, written now) and one entry per record (written before).
struct ChangelogRestorer {
    /// One record's effect: an entry set or deleted, all of a key's entries replaced, or a group that cannot be read.
    private enum Write {
        case entry(StateKey, [UInt8]?)
        case group(String, [String: [UInt8]])
        case unreadable
    }

    private struct Pending {
        var txn: String
        var write: Write
        var time: Int64?
    }

    /// A batch applied at its marker, waiting for the next marker's verdict.
    private struct Held {
        var txn: String
        var writes: [Pending]
        var offsets: [String: Int64]
        var checkpoint: StateCheckpoint
    }

    struct Record {
        var key: [UInt8]?
        var value: [UInt8]
        var txn: String?
        /// Its offset in the changelog partition (-1: unknown).
        var offset: Int64 = -1
    }

    /// Every key settled writes changed since the last `takeGroups`, with its entries at the end (none: deleted).
    private(set) var groups: [String: [String: [UInt8]]] = [:]
    /// When each of those keys' group record was written (ms, the tier clock), where the record says.
    private(set) var writtenAt: [String: Int64] = [:]
    private(set) var offsets: [String: Int64] = [:]
    /// The last commit marker settled: where a checkpoint of the restored state points.
    private(set) var lastMarker: StateCheckpoint?
    private(set) var aborted: Set<String>
    private var pending: [Pending] = []
    private var held: Held?
    /// Records taken.
    private(set) var records = 0
    /// Settled group records whose value could not be read.
    private(set) var unreadable = 0
    /// Whether any record has the per-entry format: then a key emptied later must not be a tombstone, or compaction
    /// would uncover its per-entry records.
    private(set) var legacyEntries = false

    init(knownAborted: Set<String> = []) {
        aborted = knownAborted
    }

    /// A restore of `records`, the whole of what was read, with its last batch settled.
    init(_ records: [Record], knownAborted: Set<String> = []) {
        self.init(knownAborted: knownAborted)
        add(records)
        finish()
    }

    /// Batches whose writes are visible but never committed: the next marker must list them as aborted.
    var uncommittedTail: Set<String> { Set(pending.map(\.txn)).subtracting(aborted) }

    /// Takes the next records, in offset order.
    mutating func add(_ chunk: [Record]) {
        for record in chunk { add(record) }
    }

    private mutating func add(_ record: Record) {
        records += 1
        guard let key = record.key, let txn = record.txn else { return }
        if key == CommitMarker.recordKey {
            guard let marker = CommitMarker(bytes: record.value) else { return }
            aborted.formUnion(marker.aborted)
            if var last = held {
                held = nil
                if aborted.contains(last.txn) {
                    // Its commit failed: what other batches wrote before it waits for the next valid marker.
                    last.writes.removeAll { $0.txn == last.txn }
                    pending.insert(contentsOf: last.writes, at: 0)
                } else {
                    settle(last)
                }
            }
            guard !aborted.contains(marker.txn) else { return }
            // On a compacted real-cluster changelog, older batches may have lost their marker to a newer one: their
            // writes are committed and apply here.
            held = Held(
                txn: marker.txn, writes: pending, offsets: marker.offsets,
                checkpoint: StateCheckpoint(markerOffset: record.offset, txn: marker.txn))
            pending.removeAll(keepingCapacity: true)
        } else if let groupKey = ChangelogGroup.key(ofRecordKey: key) {
            guard var entries = ChangelogGroup.decode(record.value) else {
                pending.append(Pending(txn: txn, write: .unreadable, time: nil))  // never guessed at (`check`)
                return
            }
            let time = ChangelogGroup.takeChangeTime(&entries)
            pending.append(Pending(txn: txn, write: .group(groupKey, entries), time: time))
        } else if let stateKey = StateKey(recordKey: key) {
            legacyEntries = true
            pending.append(Pending(txn: txn, write: .entry(stateKey, record.value.isEmpty ? nil : record.value), time: nil))
        }
    }

    /// No records follow: the last batch counts.
    mutating func finish() {
        if let last = held { settle(last) }
        held = nil
    }

    /// The settled changes since the last take (see `groups` and `writtenAt`), leaving none.
    mutating func takeGroups() -> (groups: [String: [String: [UInt8]]], writtenAt: [String: Int64]) {
        defer {
            groups.removeAll()
            writtenAt.removeAll()
        }
        return (groups, writtenAt)
    }

    private mutating func settle(_ batch: Held) {
        for write in batch.writes where !aborted.contains(write.txn) {
            switch write.write {
            case .entry(let key, let value): groups[key.key, default: [:]][key.store] = value
            case .group(let key, let entries):
                groups[key] = entries
                writtenAt[key] = write.time
            case .unreadable: unreadable += 1
            }
        }
        offsets.merge(batch.offsets) { _, new in new }
        lastMarker = batch.checkpoint
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

    /// The entries of a key's group to keep (empty values dropped), nil when none are left.
    static func kept(_ group: [String: [UInt8]]) -> [(store: String, value: [UInt8])]? {
        let entries = group.filter { !$0.value.isEmpty }.map { (store: $0.key, value: $0.value) }
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
