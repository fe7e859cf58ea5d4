import BizflowLocalStore
import Foundation

/// A local state store alone on a tier partition's pattern: batches of 2,000 lead groups (each with its expiry index
/// entry, and a checkpoint per batch, in one atomic write), then random reads, then an expiry sweep that walks the
/// index up to a cutoff and deletes what it finds. The same layout as the runtime's `PersistentPartition`.
public struct StateStoreBench: Sendable {
    public var keys: Int
    public var batch = 2_000
    public var valueBytes = 420
    public var reads = 200_000

    public init(keys: Int) { self.keys = keys }

    /// What one store did.
    public struct Result: Sendable {
        public var store: String
        public var keys: Int
        public var writesPerSecond: Double
        public var readsPerSecond: Double
        public var expirySeconds: Double
        public var expired: Int
        public var residentBytes: Int
        public var anonymousBytes: Int
        public var diskBytes: Int64
    }

    public func run(_ store: any OrderedKeyValueStore, name: String) throws -> Result {
        var value = [UInt8](repeating: 0, count: valueBytes)
        for i in value.indices { value[i] = UInt8(truncatingIfNeeded: i &* 31 &+ 7) }
        // Keys arrive in no order (leads captured over time): a multiplicative hash spreads the sequence.
        func key(_ i: Int) -> [UInt8] { Array("lead-\(String((UInt64(i) &* 0x9E37_79B9_7F4A_7C15) >> 24, radix: 36))".utf8) }
        let writing = ContinuousClock.now
        var i = 0
        var time: Int64 = 1_700_000_000_000
        while i < keys {
            var writes: [(key: [UInt8], value: [UInt8]?)] = []
            writes.reserveCapacity(batch * 2 + 1)
            for _ in 0..<min(batch, keys - i) {
                let k = key(i)
                // Half of each value differs per lead (ids, numbers, free text), half repeats (field names, enums):
                // compressible about as much as a lead's real state.
                var seed = UInt64(i) &* 0x2545_F491_4F6C_DD1D | 1
                for j in stride(from: 0, to: valueBytes / 2, by: 8) {
                    seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
                    withUnsafeBytes(of: seed) { for (n, byte) in $0.enumerated() where j + n < valueBytes / 2 { value[j + n] = byte } }
                }
                writes.append(([UInt8(ascii: "s")] + k, value))
                writes.append((Self.indexKey(time, k), k))
                i += 1
            }
            writes.append((Array("mcheckpoint".utf8), Array("\(i) bench".utf8)))
            try store.write(writes)
            time += 1_000
        }
        let writeSeconds = (ContinuousClock.now - writing).seconds
        var generator = SystemRandomNumberGenerator()
        let reading = ContinuousClock.now
        var found = 0
        for _ in 0..<reads where try store.get([UInt8(ascii: "s")] + key(Int.random(in: 0..<keys, using: &generator))) != nil {
            found += 1
        }
        precondition(found == reads, "every key written reads back")
        let readSeconds = (ContinuousClock.now - reading).seconds
        // Expire the oldest tenth by walking the index, in slices like the runtime's sweeps.
        let cutoff = 1_700_000_000_000 + Int64(keys / batch / 10) * 1_000
        let sweeping = ContinuousClock.now
        var expired = 0
        while true {
            var deletes: [(key: [UInt8], value: [UInt8]?)] = []
            try store.scan(from: [UInt8(ascii: "c")]) { entry, key in
                guard entry.first == UInt8(ascii: "c"), Self.time(entry) < cutoff, deletes.count < 20_000 else { return false }
                deletes.append((entry, nil))
                deletes.append(([UInt8(ascii: "s")] + key, nil))
                return true
            }
            if deletes.isEmpty { break }
            try store.write(deletes)
            expired += deletes.count / 2
        }
        let expirySeconds = (ContinuousClock.now - sweeping).seconds
        try store.sync()
        return Result(
            store: name, keys: keys, writesPerSecond: Double(keys) / writeSeconds, readsPerSecond: Double(reads) / readSeconds,
            expirySeconds: expirySeconds, expired: expired, residentBytes: Self.status("VmRSS:"),
            anonymousBytes: Self.status("RssAnon:"), diskBytes: store.bytesOnDisk)
    }

    static func indexKey(_ time: Int64, _ key: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "c")]
        withUnsafeBytes(of: (UInt64(bitPattern: time) ^ (1 << 63)).bigEndian) { bytes += $0 }
        return bytes + [UInt8(ascii: "s")] + key
    }

    static func time(_ entry: [UInt8]) -> Int64 {
        Int64(bitPattern: entry[1..<9].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } ^ (1 << 63))
    }

    /// A /proc/self/status line's value in bytes.
    static func status(_ field: String) -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix(field) } ?? ""
        return (Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0) * 1024
    }
}

extension Duration {
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
