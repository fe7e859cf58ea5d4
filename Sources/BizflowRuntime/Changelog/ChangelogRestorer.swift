/// Rebuilds one partition's state from its changelog records. A write counts once a valid commit marker follows
/// it; writes and markers of batches listed as aborted (by any marker, or by this process) never count, and
/// writes after the last valid marker form the uncommitted tail.
struct ChangelogRestorer {
    struct Record {
        var key: [UInt8]?
        var value: [UInt8]
        var txn: String?
    }

    private(set) var state: [StateKey: [UInt8]] = [:]
    private(set) var offsets: [String: Int64] = [:]
    private(set) var aborted: Set<String>
    /// Batches whose writes are visible but never committed: the next marker must list them as aborted.
    private(set) var uncommittedTail: Set<String> = []
    private(set) var records = 0

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
        var pending: [(txn: String, key: StateKey, value: [UInt8]?)] = []
        for record in records {
            guard let key = record.key, let txn = record.txn else { continue }
            if key == CommitMarker.recordKey {
                guard let marker = CommitMarker(bytes: record.value), !aborted.contains(marker.txn) else { continue }
                for write in pending where !aborted.contains(write.txn) {
                    state[write.key] = write.value
                }
                pending.removeAll(keepingCapacity: true)
                offsets.merge(marker.offsets) { _, new in new }
            } else if let stateKey = StateKey(recordKey: key) {
                pending.append((txn, stateKey, record.value.isEmpty ? nil : record.value))
            }
        }
        uncommittedTail = Set(pending.map(\.txn)).subtracting(aborted)
    }
}
