import BizflowEvents

/// A changelog record carrying every entry of one key across the tier's stores: a batch writes one record per changed
/// key rather than one per changed entry (a lead's state and its dedupe window travel together), so each input costs
/// one changelog record instead of two or more. The record replaces all of the key's entries; an empty or null value
/// means the key has none left. It is a tombstone (compaction drops the key) unless the partition holds per-entry
/// records of the format before this one: compaction must not uncover those.
///
/// Record key: 0x1e, then the key. Value: per entry, the store name and the value, each a LEB128 length and bytes.
/// With state expiry on, a first entry of the reserved store "" holds when the key changed (the tier clock's time,
/// ms since 1970, 8 bytes little-endian): in the value rather than the record timestamp, which brokers may refuse
/// ahead of their own clock (an accelerated tier clock) or overwrite (`LogAppendTime`).
enum ChangelogGroup {
    static let keyPrefix: UInt8 = 0x1e
    static let changeTimeStore = ""

    static func recordKey(_ key: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 + key.utf8.count)
        bytes.append(keyPrefix)
        bytes += key.utf8
        return bytes
    }

    /// The key of a group record, nil when the record is not one.
    static func key(ofRecordKey bytes: [UInt8]) -> String? {
        guard bytes.first == keyPrefix else { return nil }
        return String(validating: bytes[1...], as: UTF8.self)
    }

    static func encode(_ entries: [(store: String, value: [UInt8])], changedAt ms: Int64? = nil) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entries.reduce(10) { $0 + $1.store.utf8.count + $1.value.count + 4 })
        if let ms {
            bytes += [0, 8]  // the reserved store's empty name, then the time's length
            withUnsafeBytes(of: ms.littleEndian) { bytes += $0 }
        }
        for (store, value) in entries {
            Varint.append(UInt64(store.utf8.count), to: &bytes)
            bytes += store.utf8
            Varint.append(UInt64(value.count), to: &bytes)
            bytes += value
        }
        return bytes
    }

    /// Takes the change time out of decoded entries (nil when the record has none or it is malformed).
    static func takeChangeTime(_ entries: inout [String: [UInt8]]) -> Int64? {
        guard let bytes = entries.removeValue(forKey: changeTimeStore), bytes.count == 8 else { return nil }
        return Int64(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) })
    }

    /// A group value's entries as a store keeps them (its change time left out); nil when it is malformed.
    static func entries(_ bytes: [UInt8]) -> [(store: String, value: [UInt8])]? {
        guard var decoded = decode(bytes) else { return nil }
        _ = takeChangeTime(&decoded)
        return decoded.map { (store: $0.key, value: $0.value) }
    }

    /// The entries of a group record's value; nil when it is malformed.
    static func decode(_ bytes: [UInt8]) -> [String: [UInt8]]? {
        var entries: [String: [UInt8]] = [:]
        var index = bytes.startIndex
        func take() -> ArraySlice<UInt8>? {
            guard let length = Varint.read(bytes, at: &index), length <= UInt64(bytes.endIndex - index) else { return nil }
            defer { index += Int(length) }
            return bytes[index..<(index + Int(length))]
        }
        while index < bytes.endIndex {
            guard let storeBytes = take(), let store = String(validating: storeBytes, as: UTF8.self),
                let value = take()
            else { return nil }
            entries[store] = Array(value)
        }
        return entries
    }
}
