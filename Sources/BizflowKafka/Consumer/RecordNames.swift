import CRdKafka
import Glibc

/// The names a reading thread turns into strings once rather than per record: topics by their handle, header names by
/// their text (a name over 15 bytes, like `ce_correlationid`, is otherwise a new heap string on every record), and
/// the values of headers named as repeating (an event type is a heap string too).
struct RecordNames {
    private var topics: [OpaquePointer: String] = [:]
    private var headers: [(bytes: [UInt8], name: String, repeats: Bool)] = []
    private var values: [(bytes: [UInt8], text: String)] = []
    private let repeatedValues: Set<String>
    /// Bound the caches: records with ever-new names or values are read correctly, just not cached.
    private static let maxHeaderNames = 64
    private static let maxValues = 64

    init(repeatedValues: Set<String> = []) {
        self.repeatedValues = repeatedValues
    }

    mutating func topic(_ rkt: OpaquePointer?) -> String {
        guard let rkt else { return "" }
        if let cached = topics[rkt] { return cached }
        let name = String(cString: rd_kafka_topic_name(rkt))
        topics[rkt] = name
        return name
    }

    /// The header's name, and whether its values are among the repeating ones.
    mutating func header(_ name: UnsafePointer<CChar>) -> (name: String, repeats: Bool) {
        let length = strlen(name)
        let bytes = UnsafeRawBufferPointer(start: name, count: length)
        if let entry = headers.first(where: { Self.same($0.bytes, bytes) }) { return (entry.name, entry.repeats) }
        let text = String(cString: name)
        let repeats = repeatedValues.contains(text)
        if headers.count < Self.maxHeaderNames { headers.append((Array(bytes), text, repeats)) }
        return (text, repeats)
    }

    /// A repeating header's value as text, made once per distinct value; nil when it is not ASCII (the caller reads
    /// it the general way).
    mutating func value(_ bytes: UnsafeRawBufferPointer) -> String? {
        if let entry = values.first(where: { Self.same($0.bytes, bytes) }) { return entry.text }
        guard let text = KafkaHeader.asciiText(bytes) else { return nil }
        if values.count < Self.maxValues { values.append((Array(bytes), text)) }
        return text
    }

    private static func same(_ cached: [UInt8], _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard cached.count == bytes.count else { return false }
        // Empty bytes have nothing to compare (and may have no base address).
        guard let base = bytes.baseAddress else { return cached.isEmpty }
        return cached.withUnsafeBytes { $0.baseAddress.map { memcmp($0, base, bytes.count) == 0 } ?? true }
    }
}
