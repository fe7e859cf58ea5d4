import BizflowKafka

extension PartitionStore {
    /// Entries held: in memory, counted; over a persistent partition, the records on disk (indexes included).
    public var entryCount: Int { local.map { $0.store.entryCount } ?? count }

    /// A key's entries, read from disk into the cache when not there (over a persistent partition). A failed read
    /// fails the batch (`failure`) rather than passing for a key without state.
    func load(_ key: String) -> [(store: String, value: [UInt8])] {
        if let cached = values[key] { return cached }
        var entries: [(store: String, value: [UInt8])] = []
        do {
            let group = try local?.group(key)
            if let group {
                guard let stored = ChangelogGroup.entries(group) else {
                    throw LocalStateUnreadable(directory: local?.directory ?? "", key: key)
                }
                entries = stored
            }
            if local?.expiryIndexed == true { indexedTimes[key] = group.flatMap(PersistentPartition.changeTime) }
        } catch {
            failure = failure ?? error
        }
        values[key] = entries
        return entries
    }

    /// After the batch's transaction committed: writes its changelog groups of this partition, the timers it
    /// scheduled and the checkpoint to disk, then trims the cache.
    func persist(_ changelog: [ProducerMessage], checkpoint: StateCheckpoint?) throws {
        guard let local else { return }
        var groups: [(key: String, value: [UInt8])] = []
        groups.reserveCapacity(changelog.count)
        for record in changelog where record.partition == partition {
            guard let key = record.key.flatMap(ChangelogGroup.key(ofRecordKey:)) else { continue }
            // A group of no entries (perhaps a change time alone) deletes the key.
            let empty = record.value.isEmpty || (PersistentPartition.changeTime(record.value) != nil && record.value.count == 10)
            groups.append((key, empty ? [] : record.value))
        }
        var timers: [String: Double] = [:]
        for (key, due) in timerDue { timers[key.key] = due }
        try local.persist(groups, timers: timers, checkpoint: checkpoint, indexedTimes: indexedTimes)
        if local.expiryIndexed {
            for (key, value) in groups { indexedTimes[key] = PersistentPartition.changeTime(value) }
        }
        timerDue.removeAll(keepingCapacity: true)
        nextIndexedDue = try local.firstTimerDue()
        updateNextTimerDue()
        if values.count > cacheLimit {
            values.removeAll()
            indexedTimes.removeAll()
        }
    }

    /// Timers due at `now` over a persistent partition: the indexed ones still scheduled at their time and those
    /// changed since the last commit. Index entries of timers since cancelled or rescheduled are dropped.
    func dueStoredTimers(at now: Double) -> [DurableTimer] {
        guard let local else { return [] }
        var ids = Set(timerDue.compactMap { $0.value <= now ? $0.key.key : nil })
        do {
            var stale: [[UInt8]] = []
            for entry in try local.indexed("t", upTo: Int64((now * 1_000).rounded(.down)), max: 10_000) {
                let timer = self[StateKey(DurableTimer.store, entry.key)].flatMap(DurableTimer.init(bytes:))
                if let timer, timer.due <= now {
                    ids.insert(entry.key)
                } else if !dirty.contains(entry.key) {
                    stale.append(entry.entry)  // committed state no longer has this timer at this time
                }
            }
            if !stale.isEmpty {
                try local.dropIndexEntries(stale)
                nextIndexedDue = try local.firstTimerDue()
                updateNextTimerDue()
            }
        } catch {
            failure = failure ?? error
        }
        return ids.compactMap { self[StateKey(DurableTimer.store, $0)].flatMap(DurableTimer.init(bytes:)) }
            .filter { $0.due <= now }.sorted { ($0.due, $0.id) < ($1.due, $1.id) }
    }

    /// Expiry over a persistent partition: walks the change index up to `cutoff` only, never the whole state.
    func expireStored(changedBefore cutoff: Double, where mayExpire: (_ store: String, _ value: [UInt8]) -> Bool) -> Int {
        guard let local else { return 0 }
        var removed = 0
        do {
            var done: [[UInt8]] = []
            for entry in try local.indexed("c", upTo: Int64((cutoff * 1_000).rounded(.up)) - 1, max: 50_000) {
                if dirty.contains(entry.key) { continue }
                guard let group = try local.group(entry.key), PersistentPartition.changeTime(group) == entry.time,
                    var entries = ChangelogGroup.entries(group)
                else {
                    done.append(entry.entry)
                    continue
                }
                let before = entries.count
                entries.removeAll { mayExpire($0.store, $0.value) }
                if entries.count < before {
                    removed += before - entries.count
                    values[entry.key] = entries
                    indexedTimes[entry.key] = entry.time
                    dirty.insert(entry.key)  // persisting it replaces the index entry
                } else {
                    done.append(entry.entry)  // what it keeps stays until it changes again
                }
            }
            try local.dropIndexEntries(done)
        } catch {
            failure = failure ?? error
        }
        return removed
    }

    /// Keys on disk with an entry in `store`.
    func storedKeys(in store: String) -> [String] {
        guard let local else { return [] }
        var keys: [String] = []
        for table in [UInt8(ascii: "s"), UInt8(ascii: "h")] {
            try? local.store.scan(from: [table]) { key, value in
                guard key.first == table else { return false }
                let (name, group) = table == UInt8(ascii: "s")
                    ? (String(decoding: key.dropFirst(), as: UTF8.self), value)
                    : (PersistentPartition.unwrapLong(value) ?? ("", []))
                if values[name] == nil, ChangelogGroup.decode(group)?[store] != nil { keys.append(name) }
                return true
            }
        }
        return keys
    }
}
