/// A Kafka record header.
///
/// The value is kept as text when it is text (what nearly every header is): a string is made once when a record is
/// read and used as is when one is written, so headers cost no byte-array copies on the way through a tier.
public struct KafkaHeader: Hashable, Sendable {
    public var key: String
    private var storage: Storage

    private enum Storage: Sendable {
        case none
        case bytes([UInt8])
        case text(String)
    }

    public init(_ key: String, _ value: [UInt8]?) {
        self.key = key
        storage = value.map { .bytes($0) } ?? .none
    }

    public init(_ key: String, _ value: String) {
        self.key = key
        storage = .text(value)
    }

    /// A header read from a record: text when the bytes are UTF-8.
    init(key: String, bytes: UnsafeRawBufferPointer?) {
        self.key = key
        guard let bytes else {
            storage = .none
            return
        }
        if let text = Self.asciiText(bytes) ?? String(validating: bytes.bindMemory(to: UInt8.self), as: UTF8.self) {
            storage = .text(text)
        } else {
            storage = .bytes(Array(bytes))
        }
    }

    /// The bytes as a string when they are ASCII (nearly every header value), made without validation:
    /// `String(validating:)` runs unspecialised generic code.
    static func asciiText(_ bytes: UnsafeRawBufferPointer) -> String? {
        bytes.allSatisfy({ $0 < 0x80 }) ? String(decoding: bytes, as: UTF8.self) : nil
    }

    /// The value's bytes (nil: the header has no value).
    public var value: [UInt8]? {
        get {
            switch storage {
            case .none: nil
            case .bytes(let bytes): bytes
            case .text(let text): Array(text.utf8)
            }
        }
        set { storage = newValue.map { .bytes($0) } ?? .none }
    }

    /// The value as UTF-8 text, if it is valid UTF-8.
    public var stringValue: String? { text ?? nil }

    /// The value as text: nil when there is none, `.some(nil)` when it is not UTF-8.
    public var text: String?? {
        switch storage {
        case .none: nil
        case .bytes(let bytes): .some(String(validating: bytes, as: UTF8.self))
        case .text(let text): .some(text)
        }
    }

    /// Calls `body` with the value's bytes in place (nil: no value).
    public func withValueBytes<R>(_ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
        switch storage {
        case .none:
            return try body(nil)
        case .bytes(let bytes):
            return try bytes.withUnsafeBytes { try body($0) }
        case .text(var text):
            return try text.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
        }
    }

    public static func == (lhs: KafkaHeader, rhs: KafkaHeader) -> Bool {
        lhs.key == rhs.key && lhs.withValueBytes { a in rhs.withValueBytes { b in a.map(Array.init) == b.map(Array.init) } }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        withValueBytes { bytes in
            hasher.combine(bytes == nil)
            if let bytes { hasher.combine(bytes: bytes) }
        }
    }
}

extension Array where Element == KafkaHeader {
    /// The header with this key: the last of them (Kafka allows repeats; the last one wins).
    public func header(named key: String) -> KafkaHeader? { last { $0.key == key } }
}
