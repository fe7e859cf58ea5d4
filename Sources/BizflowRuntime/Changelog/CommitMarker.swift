import Foundation

/// The last record a batch writes to each changelog partition it touched, after all its other records are
/// acknowledged: which input offsets the partition's state includes, and which earlier writes were aborted.
/// On a real cluster `read_committed` already hides aborted writes; the marker makes restores just as exact on
/// brokers that do not (librdkafka's mock cluster writes no transaction markers).
struct CommitMarker: Codable, Equatable, Sendable {
    static let recordKey: [UInt8] = Array("__commit".utf8)
    static let txnHeader = "bizflow.txn"

    /// The batch's id: writer incarnation and sequence.
    var txn: String
    /// Next input offset per input topic, for this partition number.
    var offsets: [String: Int64]
    /// Batches whose writes may be visible but must be ignored.
    var aborted: [String]

    var bytes: [UInt8] { (try? StateEncoder().encode(self)) ?? [] }

    init(txn: String, offsets: [String: Int64], aborted: [String]) {
        self.txn = txn
        self.offsets = offsets
        self.aborted = aborted
    }

    init?(bytes: [UInt8]) {
        guard let marker = try? StateDecoder().decode(CommitMarker.self, from: bytes) else { return nil }
        self = marker
    }
}
