/// Where a partition's local store stands in its changelog: the offset of the last commit marker applied and that
/// marker's batch id. A restore reads the changelog from that offset and expects the marker there; anything else
/// (the topic recreated, the store copied from another cluster) makes the store unusable.
public struct StateCheckpoint: Sendable, Equatable, CustomStringConvertible {
    public var markerOffset: Int64
    public var txn: String

    public init(markerOffset: Int64, txn: String) {
        self.markerOffset = markerOffset
        self.txn = txn
    }

    public var description: String { "offset \(markerOffset) (\(txn))" }

    var bytes: [UInt8] { Array("\(markerOffset) \(txn)".utf8) }

    init?(bytes: [UInt8]) {
        let parts = String(decoding: bytes, as: UTF8.self).split(separator: " ", maxSplits: 1)
        guard parts.count == 2, let offset = Int64(parts[0]), offset >= 0 else { return nil }
        self.init(markerOffset: offset, txn: String(parts[1]))
    }
}
