import BizflowEvents

/// Encodes tier state values in a compact binary form (self-describing, keyed like JSON, an order of magnitude
/// cheaper): state is written for every event, so its codec is on the hot path. Byte arrays and strings are copied
/// as they are. `StateDecoder` reads it; values written as JSON by earlier versions still decode.
public struct StateEncoder {
    /// The first byte of every value written by this encoder (JSON never starts with it).
    static let formatByte: UInt8 = 0xB1

    enum Tag: UInt8 {
        case null = 0, `false`, `true`, int, uint, double, float, string, bytes, array, map
    }

    public init() {}

    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let writer = StateWriter()
        writer.bytes.append(Self.formatByte)
        try writer.write(value, codingPath: [])
        return writer.bytes
    }
}

/// The buffer and the nesting of containers being written.
final class StateWriter {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(256) }

    func tag(_ tag: StateEncoder.Tag) { bytes.append(tag.rawValue) }

    func varint(_ value: UInt64) { Varint.append(value, to: &bytes) }

    func int(_ value: Int64) {
        tag(.int)
        varint(Varint.zigzag(value))
    }

    func uint(_ value: UInt64) {
        tag(.uint)
        varint(value)
    }

    func string(_ value: String) {
        tag(.string)
        var value = value
        value.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    func raw(_ value: [UInt8]) {
        tag(.bytes)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    func double(_ value: Double) {
        tag(.double)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Writes any value, with fast paths for the common leaf types.
    func write<T: Encodable>(_ value: T, codingPath: [any CodingKey], parent: OpenContainer? = nil) throws {
        // Type checks rather than casts: the leaf types are known statically in most calls.
        if T.self == [UInt8].self {
            raw(unsafeBitCast(value, to: [UInt8].self))
        } else if T.self == String.self {
            string(unsafeBitCast(value, to: String.self))
        } else if T.self == Int.self {
            int(Int64(unsafeBitCast(value, to: Int.self)))
        } else if T.self == Int64.self {
            int(unsafeBitCast(value, to: Int64.self))
        } else if T.self == Bool.self {
            tag(unsafeBitCast(value, to: Bool.self) ? .true : .false)
        } else if T.self == Double.self {
            double(unsafeBitCast(value, to: Double.self))
        } else {
            let encoder = StateEncoderImpl(writer: self, codingPath: codingPath, parent: parent)
            try value.encode(to: encoder)
            if !encoder.wroteSomething { tag(.null) }
        }
    }
}

/// Whether an encoder was asked for a container at all.
final class UseCount {
    var count = 0
}

struct StateEncoderImpl: Encoder {
    let writer: StateWriter
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    private let wrote = UseCount()
    /// The container this value is an entry of: its length grows with everything written here.
    let parent: OpenContainer?

    init(writer: StateWriter, codingPath: [any CodingKey], parent: OpenContainer?) {
        self.writer = writer
        self.codingPath = codingPath
        self.parent = parent
    }

    var wroteSomething: Bool { wrote.count > 0 }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        wrote.count += 1
        return KeyedEncodingContainer(StateKeyedEncoding<Key>(writer: writer, codingPath: codingPath, frame: open(.map)))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        wrote.count += 1
        return StateUnkeyedEncoding(writer: writer, codingPath: codingPath, frame: open(.array))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        wrote.count += 1
        return StateSingleEncoding(writer: writer, codingPath: codingPath, parent: parent)
    }

    /// Opens a container whose header is patched as entries are added.
    private func open(_ tag: StateEncoder.Tag) -> OpenContainer {
        writer.tag(tag)
        let header = writer.bytes.count
        writer.bytes.append(contentsOf: [0, 0, 0, 0, 0, 0, 0, 0])
        return OpenContainer(writer: writer, header: header, parent: parent)
    }
}

/// A container: tag, entry count and byte length, so readers can skip it whole. The count and length are kept
/// current after every entry (Codable containers have no end call); an empty container's zero header is valid.
final class OpenContainer {
    let writer: StateWriter
    let header: Int
    let parent: OpenContainer?
    var count: UInt32 = 0

    init(writer: StateWriter, header: Int, parent: OpenContainer?) {
        self.writer = writer
        self.header = header
        self.parent = parent
    }

    /// One more entry is complete.
    func added() {
        count += 1
        patch(header, count)
        refreshLength()
    }

    /// The container (and every one around it) ends where the buffer ends now.
    func refreshLength() {
        var container: OpenContainer? = self
        while let current = container {
            patch(current.header + 4, UInt32(writer.bytes.count - current.header - 8))
            container = current.parent
        }
    }

    private func patch(_ index: Int, _ value: UInt32) {
        writer.bytes.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<4 { buffer[index + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
        }
    }
}

struct StateKeyedEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: StateWriter
    var codingPath: [any CodingKey]
    let frame: OpenContainer

    init(writer: StateWriter, codingPath: [any CodingKey], frame: OpenContainer) {
        self.writer = writer
        self.codingPath = codingPath
        self.frame = frame
    }

    private func key(_ key: Key) {
        var name = key.stringValue
        name.withUTF8 { utf8 in
            writer.varint(UInt64(utf8.count))
            writer.bytes.append(contentsOf: utf8)
        }
    }

    mutating func encodeNil(forKey key: Key) throws {
        self.key(key)
        writer.tag(.null)
        frame.added()
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        self.key(key)
        try writer.write(value, codingPath: codingPath + [key], parent: frame)
        frame.added()
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        self.key(key)
        defer { frame.added() }
        return nested(key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        self.key(key)
        defer { frame.added() }
        return nested(key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        self.key(key)
        defer { frame.added() }
        return nested(key)
    }

    private func nested(_ key: Key) -> StateEncoderImpl {
        StateEncoderImpl(writer: writer, codingPath: codingPath + [key], parent: frame)
    }
}

struct StateUnkeyedEncoding: UnkeyedEncodingContainer {
    let writer: StateWriter
    var codingPath: [any CodingKey]
    let frame: OpenContainer
    var count: Int { Int(frame.count) }

    init(writer: StateWriter, codingPath: [any CodingKey], frame: OpenContainer) {
        self.writer = writer
        self.codingPath = codingPath
        self.frame = frame
    }

    mutating func encodeNil() throws {
        writer.tag(.null)
        frame.added()
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try writer.write(value, codingPath: codingPath, parent: frame)
        frame.added()
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        defer { frame.added() }
        return nested.container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        defer { frame.added() }
        return nested.unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        defer { frame.added() }
        return nested
    }

    private var nested: StateEncoderImpl { StateEncoderImpl(writer: writer, codingPath: codingPath, parent: frame) }
}

struct StateSingleEncoding: SingleValueEncodingContainer {
    let writer: StateWriter
    var codingPath: [any CodingKey]
    let parent: OpenContainer?

    mutating func encodeNil() throws { writer.tag(.null) }
    mutating func encode(_ value: Bool) throws { writer.tag(value ? .true : .false) }
    mutating func encode(_ value: String) throws { writer.string(value) }
    mutating func encode(_ value: Double) throws { writer.double(value) }
    mutating func encode(_ value: Float) throws { writer.double(Double(value)) }
    mutating func encode(_ value: Int) throws { writer.int(Int64(value)) }
    mutating func encode(_ value: Int8) throws { writer.int(Int64(value)) }
    mutating func encode(_ value: Int16) throws { writer.int(Int64(value)) }
    mutating func encode(_ value: Int32) throws { writer.int(Int64(value)) }
    mutating func encode(_ value: Int64) throws { writer.int(value) }
    mutating func encode(_ value: UInt) throws { writer.uint(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { writer.uint(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { writer.uint(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { writer.uint(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { writer.uint(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try writer.write(value, codingPath: codingPath, parent: parent) }
}
