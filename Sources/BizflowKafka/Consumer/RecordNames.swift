import CRdKafka
import Glibc

/// The names a reading thread turns into strings once rather than per record: topics by their handle, header names by
/// their text (a name over 15 bytes, like `ce_correlationid`, is otherwise a new heap string on every record).
struct RecordNames {
    private var topics: [OpaquePointer: String] = [:]
    private var headers: [(bytes: [UInt8], name: String)] = []
    /// Bounds the header cache: records with ever-new header names are read correctly, just not cached.
    private static let maxHeaderNames = 64

    mutating func topic(_ rkt: OpaquePointer?) -> String {
        guard let rkt else { return "" }
        if let cached = topics[rkt] { return cached }
        let name = String(cString: rd_kafka_topic_name(rkt))
        topics[rkt] = name
        return name
    }

    mutating func header(_ name: UnsafePointer<CChar>) -> String {
        let length = strlen(name)
        for entry in headers where entry.bytes.count == length {
            // An empty name has no bytes to compare (and no base address).
            if entry.bytes.withUnsafeBytes({ $0.baseAddress.map { memcmp($0, name, length) == 0 } ?? true }) { return entry.name }
        }
        let text = String(cString: name)
        if headers.count < Self.maxHeaderNames {
            headers.append((Array(UnsafeRawBufferPointer(start: name, count: length)), text))
        }
        return text
    }
}
