import BizflowEvents
import BizflowLocalStore
import Crypto
import Foundation

/// The committed state of one tier partition on local disk, with its checkpoint: what lets a restart read only the
/// changelog's tail. Written only after a batch's transaction committed, in one atomic write with the checkpoint, so
/// the store never holds what Kafka does not.
///
/// Layout (one ordered keyspace, a byte per table): `m` metadata; `s` + key → the key's changelog group value (the
/// same bytes as its changelog record); `h` + SHA-256 of a key too long for a store key → its length, the key and
/// the group; `t` + due + store key → a timer index entry (checked against the timer on reading, so a rescheduled
/// timer's old entry is dropped lazily); `c` + change time + store key → the expiry index (kept exact).
final class PersistentPartition: @unchecked Sendable {
    let store: any OrderedKeyValueStore
    /// Held while the store is open; handed on when a wiped store is opened again.
    let lock: StoreDirectoryLock
    let directory: String
    /// Whether keys carry change times to index for expiry.
    let expiryIndexed: Bool

    init(store: any OrderedKeyValueStore, lock: StoreDirectoryLock, directory: String, expiryIndexed: Bool) {
        self.store = store
        self.lock = lock
        self.directory = directory
        self.expiryIndexed = expiryIndexed
    }

    // MARK: Metadata

    enum Meta: String {
        case identity, checkpoint, clean, legacy
        var key: [UInt8] { [UInt8(ascii: "m")] + Array(rawValue.utf8) }
    }

    func meta(_ name: Meta) throws -> [UInt8]? { try store.get(name.key) }

    var checkpoint: StateCheckpoint? { (try? meta(.checkpoint)).flatMap { $0.flatMap(StateCheckpoint.init(bytes:)) } }

    /// Marks the store in use (a crash from now on leaves it unclean) and records whose it is.
    func markOpen(identity: String, legacy: Bool? = nil) throws {
        var writes: [(key: [UInt8], value: [UInt8]?)] = [(Meta.clean.key, [0]), (Meta.identity.key, Array(identity.utf8))]
        if let legacy { writes.append((Meta.legacy.key, legacy ? [1] : nil)) }
        try store.write(writes)
    }

    /// Closes the files; `clean` (a graceful stop with every batch committed) lets the next start read only the tail.
    func close(clean: Bool) {
        if clean {
            do {
                try store.write([(Meta.clean.key, [1])])
                try store.sync()
            } catch {}  // left unclean: the next start restores fully
        }
        store.close()
    }

    // MARK: State

    /// The group value (changelog bytes) of `key`, nil when it has none.
    func group(_ key: String) throws -> [UInt8]? {
        let storeKey = Self.storeKey(key, max: store.maxKeySize)
        guard let value = try store.get(storeKey) else { return nil }
        return storeKey.first == UInt8(ascii: "h") ? Self.unwrapLong(value)?.group : value
    }

    /// Writes committed groups (an empty value deletes the key) with the timers they schedule and the checkpoint, in
    /// one atomic write. `indexedTimes`: the change time each key has on disk now (nil inside: none), where the caller
    /// knows it; the others' are read, to move their expiry index entries.
    func persist(
        _ groups: [(key: String, value: [UInt8])], timers: [String: Double], checkpoint: StateCheckpoint?,
        indexedTimes: [String: Int64?] = [:]
    ) throws {
        var writes: [(key: [UInt8], value: [UInt8]?)] = []
        writes.reserveCapacity(groups.count * (expiryIndexed ? 3 : 1) + timers.count + 1)
        let max = store.maxKeySize
        for (key, value) in groups {
            let storeKey = Self.storeKey(key, max: max)
            if expiryIndexed, let time = try indexedTimes[key] ?? storedChangeTime(storeKey) {
                writes.append((Self.indexKey("c", time, storeKey), nil))
            }
            if value.isEmpty {
                writes.append((storeKey, nil))
                continue
            }
            writes.append((storeKey, storeKey.first == UInt8(ascii: "h") ? Self.wrapLong(key, value) : value))
            if expiryIndexed, let time = Self.changeTime(value) {
                writes.append((Self.indexKey("c", time, storeKey), Array(key.utf8)))
            }
        }
        for (key, due) in timers {
            writes.append((Self.indexKey("t", Int64((due * 1_000).rounded(.down)), Self.storeKey(key, max: max)), Array(key.utf8)))
        }
        if let checkpoint { writes.append((Meta.checkpoint.key, checkpoint.bytes)) }
        try store.write(writes)
    }

    /// The change time of the group stored under `storeKey`, nil when there is none.
    private func storedChangeTime(_ storeKey: [UInt8]) throws -> Int64? {
        guard let stored = try store.get(storeKey) else { return nil }
        return Self.changeTime(storeKey.first == UInt8(ascii: "h") ? Self.unwrapLong(stored)?.group ?? [] : stored)
    }

    /// Index entries of `table` ("t" timers, "c" changes) with a time at or before `limit` (ms), earliest first.
    func indexed(_ table: Character, upTo limit: Int64, max count: Int) throws -> [(time: Int64, key: String, entry: [UInt8])] {
        let prefix = UInt8(ascii: table.unicodeScalars.first!)
        var found: [(time: Int64, key: String, entry: [UInt8])] = []
        try store.scan(from: [prefix]) { entry, value in
            guard entry.first == prefix, entry.count >= 9, found.count < count else { return false }
            let time = Self.time(entry[1..<9])
            guard time <= limit else { return false }
            found.append((time, String(decoding: value, as: UTF8.self), entry))
            return true
        }
        return found
    }

    /// The earliest indexed timer's due time (seconds), nil when none is indexed.
    func firstTimerDue() throws -> Double? {
        try indexed("t", upTo: .max, max: 1).first.map { Double($0.time) / 1_000 }
    }

    /// Drops index entries found stale.
    func dropIndexEntries(_ entries: [[UInt8]]) throws {
        try store.write(entries.map { ($0, nil) })
    }

    // MARK: Encoding

    /// The store key of a state key: `s` and the key, or `h` and its SHA-256 when that would not fit.
    static func storeKey(_ key: String, max: Int) -> [UInt8] {
        let count = key.utf8.count
        // Room for the index entries' table byte and 8-byte time in front of it.
        if count + 10 <= max {
            var bytes: [UInt8] = [UInt8(ascii: "s")]
            bytes.reserveCapacity(count + 1)
            bytes += key.utf8
            return bytes
        }
        return [UInt8(ascii: "h")] + Array(SHA256.hash(data: Array(key.utf8)))
    }

    static func indexKey(_ table: Character, _ time: Int64, _ storeKey: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: table.unicodeScalars.first!)]
        withUnsafeBytes(of: (UInt64(bitPattern: time) ^ (1 << 63)).bigEndian) { bytes += $0 }  // sorts as signed
        return bytes + storeKey
    }

    static func time(_ bytes: ArraySlice<UInt8>) -> Int64 {
        let raw = bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int64(bitPattern: raw ^ (1 << 63))
    }

    /// The change time (ms) a group value starts with, when it carries one (see `ChangelogGroup`).
    static func changeTime(_ group: [UInt8]) -> Int64? {
        guard group.count >= 10, group[0] == 0, group[1] == 8 else { return nil }
        return group[2..<10].reversed().reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }

    private static func wrapLong(_ key: String, _ group: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        Varint.append(UInt64(key.utf8.count), to: &bytes)
        return bytes + Array(key.utf8) + group
    }

    static func unwrapLong(_ value: [UInt8]) -> (key: String, group: [UInt8])? {
        var index = value.startIndex
        guard let length = Varint.read(value, at: &index), length <= UInt64(value.endIndex - index) else { return nil }
        let end = index + Int(length)
        return (String(decoding: value[index..<end], as: UTF8.self), Array(value[end...]))
    }
}
