import BizflowKafka

/// One partition's restore into its local store, fed its changelog a chunk at a time: from the store's checkpoint
/// (the records then start at its marker, and only their changes are written) or, into an emptied store, from the
/// start. What each chunk settles is written before the next is read, so a restore holds a chunk, not the changelog;
/// a changelog of the old per-entry format is held whole (one key's entries may span chunks).
struct LocalRestore {
    let partition: Int32
    let local: PersistentPartition
    /// Where the store's state stands (nil: the store is empty and the records start at the changelog's start).
    let checkpoint: StateCheckpoint?
    private(set) var restorer: ChangelogRestorer
    /// Changelog records taken.
    var records: Int { restorer.records }
    /// Key writes made (a key changed in two chunks counts twice).
    private(set) var keys = 0
    /// Why the records cannot be applied from the checkpoint, once known: restore fully instead.
    private(set) var refused: String?
    private let identity: String
    private let changelog: String
    private let expiry: Bool
    private let nowMs: Int64

    init(
        _ partition: Int32, into local: PersistentPartition, checkpoint: StateCheckpoint?, engine: TierEngine, now: Double
    ) {
        self.partition = partition
        self.local = local
        self.checkpoint = checkpoint
        restorer = ChangelogRestorer(knownAborted: engine.knownAborted)
        identity = engine.localIdentity(partition)
        changelog = engine.settings.changelog
        expiry = engine.settings.stateTTL != nil
        nowMs = Int64((now * 1_000).rounded())
    }

    /// Takes the next records and writes what they settle.
    mutating func add(_ chunk: [ChangelogRestorer.Record]) throws {
        guard refused == nil, !chunk.isEmpty else { return }
        if records == 0, let checkpoint {
            let first = chunk[0]
            guard first.offset == checkpoint.markerOffset, first.key == CommitMarker.recordKey,
                CommitMarker(bytes: first.value)?.txn == checkpoint.txn
            else {
                refused = Self.markerMissing(checkpoint)
                return
            }
        }
        restorer.add(chunk)
        try restorer.check(partition: partition, changelog: changelog)
        guard restorer.legacyEntries else { return try write(checkpoint: nil) }
        if checkpoint != nil {
            refused = "its changelog holds records of the old per-entry format"
        } else if keys > 0 {
            // Writers wrote that format before groups, and compaction keeps the order: this changelog is not ours.
            throw ChangelogUnreadable(changelog: changelog, partition: partition, records: 1)
        }
    }

    /// No records follow: writes the rest with the checkpoint of the last settled marker. `settleLast`: the last
    /// batch counts (a standby leaves it for its next refresh, until a later marker confirms it).
    mutating func finish(settleLast: Bool) throws {
        guard refused == nil else { return }
        if let checkpoint, records == 0 {
            refused = Self.markerMissing(checkpoint)
            return
        }
        if settleLast { restorer.finish() }
        try restorer.check(partition: partition, changelog: changelog)
        try write(checkpoint: restorer.lastMarker ?? checkpoint)
        if checkpoint == nil { try local.markOpen(identity: identity, legacy: restorer.legacyEntries) }
    }

    private static func markerMissing(_ checkpoint: StateCheckpoint) -> String {
        "the changelog does not hold its checkpoint's marker at \(checkpoint.markerOffset)"
    }

    /// Writes the changes settled since the last write, in slices so no single write grows huge; `checkpoint` goes
    /// with the last slice.
    private mutating func write(checkpoint: StateCheckpoint?) throws {
        let (groups, writtenAt) = restorer.takeGroups()
        if groups.isEmpty && checkpoint == nil { return }
        var values: [(key: String, value: [UInt8])] = []
        var timers: [String: Double] = [:]
        values.reserveCapacity(groups.count)
        for (key, group) in groups {
            guard let kept = ChangelogRestorer.kept(group) else {
                // Deleted since the checkpoint or an earlier chunk (deleting what a fresh store lacks costs little).
                if self.checkpoint != nil || keys > 0 { values.append((key, [])) }
                continue
            }
            values.append((key, ChangelogGroup.encode(kept, changedAt: expiry ? writtenAt[key] ?? nowMs : nil)))
            if let bytes = kept.first(where: { $0.store == DurableTimer.store })?.value, let timer = DurableTimer(bytes: bytes) {
                timers[key] = timer.due
            }
        }
        let slice = 20_000
        var start = 0
        repeat {
            let end = min(start + slice, values.count)
            var sliceTimers: [String: Double] = [:]
            for (key, _) in values[start..<end] { if let due = timers[key] { sliceTimers[key] = due } }
            try local.persist(Array(values[start..<end]), timers: sliceTimers, checkpoint: end == values.count ? checkpoint : nil)
            start = end
        } while start < values.count
        keys += values.count
    }
}
