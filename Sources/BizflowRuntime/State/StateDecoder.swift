import BizflowEvents
import Foundation

/// Decodes what `StateEncoder` wrote; values written as JSON by earlier versions still decode.
public struct StateDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        guard bytes.first == StateEncoder.formatByte else { return try JSONDecoder().decode(T.self, from: Data(bytes)) }
        let reader = StateReader(bytes)
        let value = try reader.read(T.self, at: 1, codingPath: [])
        guard reader.end(of: 1) == bytes.count else { throw reader.corrupt(at: 1, [], "trailing bytes") }
        return value
    }

    /// A top-level integer written by `StateEncoder`, read without the Codable machinery (domain code reads counters
    /// per event); nil when the bytes hold anything else.
    static func integer(_ bytes: [UInt8]) -> Int64? {
        guard bytes.count >= 3, bytes[0] == StateEncoder.formatByte,
            let tag = StateEncoder.Tag(rawValue: bytes[1]), tag == .int || tag == .uint
        else { return nil }
        var position = 2
        guard let value = Varint.read(bytes, at: &position), position == bytes.count else { return nil }
        if tag == .int { return Varint.unzigzag(value) }
        return value <= UInt64(Int64.max) ? Int64(value) : nil
    }
}

/// Random access over an encoded value: containers are read in place, skipped whole by their length.
final class StateReader {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func tag(at position: Int) -> StateEncoder.Tag? {
        position < bytes.count ? StateEncoder.Tag(rawValue: bytes[position]) : nil
    }

    func varint(at position: inout Int) throws -> UInt64 {
        guard let value = Varint.read(bytes, at: &position) else { throw corrupt(at: position, [], "truncated number") }
        return value
    }

    /// A container header field; nil past the end.
    func uint32(at position: Int) -> Int? {
        guard position >= 0, position <= bytes.count - 4 else { return nil }
        return Int(bytes[position]) | Int(bytes[position + 1]) << 8 | Int(bytes[position + 2]) << 16
            | Int(bytes[position + 3]) << 24
    }

    /// The position just after the value at `position`.
    /// The position just after the value at `position` (past the end of the bytes when they are corrupt).
    func end(of position: Int) -> Int {
        var p = position + 1
        let past = bytes.count + 1
        switch tag(at: position) {
        case .null, .false, .true: return p
        case .int, .uint: if (try? varint(at: &p)) == nil { return past }
        case .double: p += 8
        case .float: p += 4
        case .string, .bytes:
            guard let length = try? varint(at: &p), length <= UInt64(bytes.count - p) else { return past }
            p += Int(length)
        case .array, .map:
            guard let length = uint32(at: position + 5), length <= bytes.count - position - 9 else { return past }
            p += 8 + length
        case nil: return past
        }
        return min(p, past)
    }

    /// The raw payload of a string or bytes value.
    func slice(at position: Int, _ expected: StateEncoder.Tag, _ path: [any CodingKey]) throws -> ArraySlice<UInt8> {
        guard tag(at: position) == expected else { throw mismatch(expected, at: position, path) }
        var p = position + 1
        let count = try varint(at: &p)
        guard count <= UInt64(bytes.count - p) else { throw corrupt(at: position, path, "truncated \(expected)") }
        return bytes[p..<(p + Int(count))]
    }

    func int(at position: Int, _ path: [any CodingKey]) throws -> Int64 {
        var p = position + 1
        switch tag(at: position) {
        case .int:
            return Varint.unzigzag(try varint(at: &p))
        case .uint:
            let value = try varint(at: &p)
            guard value <= UInt64(Int64.max) else { throw corrupt(at: position, path, "number out of range") }
            return Int64(value)
        default: throw mismatch(.int, at: position, path)
        }
    }

    func double(at position: Int, _ path: [any CodingKey]) throws -> Double {
        switch tag(at: position) {
        case .double:
            guard position + 9 <= bytes.count else { throw corrupt(at: position, path, "truncated double") }
            var bits: UInt64 = 0
            for i in 0..<8 { bits |= UInt64(bytes[position + 1 + i]) << (8 * UInt64(i)) }
            return Double(bitPattern: bits)
        case .int, .uint: return Double(try int(at: position, path))
        default: throw mismatch(.double, at: position, path)
        }
    }

    func bool(at position: Int, _ path: [any CodingKey]) throws -> Bool {
        switch tag(at: position) {
        case .true: return true
        case .false: return false
        default: throw mismatch(.true, at: position, path)
        }
    }

    /// Reads any value, with fast paths for the common leaf types.
    func read<T: Decodable>(_ type: T.Type, at position: Int, codingPath: [any CodingKey]) throws -> T {
        if T.self == [UInt8].self { return unsafeBitCast(Array(try slice(at: position, .bytes, codingPath)), to: T.self) }
        if T.self == String.self { return unsafeBitCast(try string(at: position, codingPath), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(Int(try int(at: position, codingPath)), to: T.self) }
        if T.self == Int64.self { return unsafeBitCast(try int(at: position, codingPath), to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try bool(at: position, codingPath), to: T.self) }
        if T.self == Double.self { return unsafeBitCast(try double(at: position, codingPath), to: T.self) }
        return try T(from: StateDecoderImpl(reader: self, position: position, codingPath: codingPath))
    }

    func string(at position: Int, _ path: [any CodingKey]) throws -> String {
        let utf8 = try slice(at: position, .string, path)
        guard let string = String(validating: utf8, as: UTF8.self) else { throw corrupt(at: position, path, "invalid UTF-8") }
        return string
    }

    func mismatch(_ expected: StateEncoder.Tag, at position: Int, _ path: [any CodingKey]) -> DecodingError {
        let found = tag(at: position).map { "\($0)" } ?? "nothing"
        return .typeMismatch(Any.self, .init(codingPath: path, debugDescription: "expected \(expected), found \(found)"))
    }

    func corrupt(at position: Int, _ path: [any CodingKey], _ what: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: path, debugDescription: "\(what) at byte \(position)"))
    }
}

struct StateDecoderImpl: Decoder {
    let reader: StateReader
    let position: Int
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(try StateKeyedDecoding<Key>(reader: reader, position: position, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try StateUnkeyedDecoding(reader: reader, position: position, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        StateSingleDecoding(reader: reader, position: position, codingPath: codingPath)
    }
}

struct StateKeyedDecoding<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let reader: StateReader
    var codingPath: [any CodingKey]
    private var entries: [String: Int] = [:]

    init(reader: StateReader, position: Int, codingPath: [any CodingKey]) throws {
        self.reader = reader
        self.codingPath = codingPath
        guard reader.tag(at: position) == .map else { throw reader.mismatch(.map, at: position, codingPath) }
        guard let count = reader.uint32(at: position + 1), let length = reader.uint32(at: position + 5),
            length <= reader.bytes.count - position - 9
        else { throw reader.corrupt(at: position, codingPath, "truncated map") }
        let end = position + 9 + length
        var p = position + 9
        entries.reserveCapacity(min(count, length))
        for _ in 0..<count {
            let keyLength = try reader.varint(at: &p)
            guard keyLength <= UInt64(end - p),
                let key = String(validating: reader.bytes[p..<(p + Int(keyLength))], as: UTF8.self)
            else { throw reader.corrupt(at: p, codingPath, "bad key") }
            p += Int(keyLength)
            entries[key] = p
            p = reader.end(of: p)
            guard p <= end else { throw reader.corrupt(at: position, codingPath, "truncated map entry") }
        }
    }

    var allKeys: [Key] { entries.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { entries[key.stringValue] != nil }

    private func position(_ key: Key) throws -> Int {
        guard let position = entries[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no value for \(key.stringValue)"))
        }
        return position
    }

    func decodeNil(forKey key: Key) throws -> Bool { reader.tag(at: try position(key)) == .null }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try reader.read(T.self, at: try position(key), codingPath: codingPath + [key])
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let position = entries[key.stringValue], reader.tag(at: position) != .null else { return nil }
        return try reader.read(T.self, at: position, codingPath: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        KeyedDecodingContainer(
            try StateKeyedDecoding<NestedKey>(reader: reader, position: try position(key), codingPath: codingPath + [key]))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try StateUnkeyedDecoding(reader: reader, position: try position(key), codingPath: codingPath + [key])
    }

    func superDecoder() throws -> any Decoder { try superDecoder(forKey: Key(stringValue: "super")!) }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        StateDecoderImpl(reader: reader, position: try position(key), codingPath: codingPath + [key])
    }
}

struct StateUnkeyedDecoding: UnkeyedDecodingContainer {
    let reader: StateReader
    var codingPath: [any CodingKey]
    let count: Int?
    var currentIndex = 0
    private var cursor: Int

    init(reader: StateReader, position: Int, codingPath: [any CodingKey]) throws {
        self.reader = reader
        self.codingPath = codingPath
        guard reader.tag(at: position) == .array else { throw reader.mismatch(.array, at: position, codingPath) }
        guard let count = reader.uint32(at: position + 1), let length = reader.uint32(at: position + 5),
            length <= reader.bytes.count - position - 9, count <= length
        else { throw reader.corrupt(at: position, codingPath, "truncated array") }
        self.count = count
        cursor = position + 9
    }

    var isAtEnd: Bool { currentIndex >= (count ?? 0) }

    private mutating func next() throws -> Int {
        guard !isAtEnd, cursor < reader.bytes.count, reader.end(of: cursor) <= reader.bytes.count else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "no more elements"))
        }
        let position = cursor
        cursor = reader.end(of: cursor)
        currentIndex += 1
        return position
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, reader.tag(at: cursor) == .null else { return false }
        _ = try next()
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try reader.read(T.self, at: try next(), codingPath: codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(try StateKeyedDecoding<NestedKey>(reader: reader, position: try next(), codingPath: codingPath))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try StateUnkeyedDecoding(reader: reader, position: try next(), codingPath: codingPath)
    }

    mutating func superDecoder() throws -> any Decoder {
        StateDecoderImpl(reader: reader, position: try next(), codingPath: codingPath)
    }
}

struct StateSingleDecoding: SingleValueDecodingContainer {
    let reader: StateReader
    let position: Int
    var codingPath: [any CodingKey]

    func decodeNil() -> Bool { reader.tag(at: position) == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try reader.bool(at: position, codingPath) }
    func decode(_ type: String.Type) throws -> String { try reader.string(at: position, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try reader.double(at: position, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { Float(try reader.double(at: position, codingPath)) }
    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try reader.int(at: position, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 {
        if reader.tag(at: position) == .uint {
            var p = position + 1
            return try reader.varint(at: &p)
        }
        return try integer(type)
    }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try reader.read(T.self, at: position, codingPath: codingPath) }

    private func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        let value = try reader.int(at: position, codingPath)
        guard let exact = I(exactly: value) else { throw reader.corrupt(at: position, codingPath, "\(value) does not fit \(I.self)") }
        return exact
    }
}
