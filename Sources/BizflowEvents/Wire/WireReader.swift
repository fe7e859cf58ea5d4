/// Reads protobuf wire format one field at a time from bytes it borrows: the hot path's reader, which allocates
/// nothing. Groups (proto2's, kept by swift-protobuf as unknown fields) are skipped whole. Bytes it cannot read are
/// `nil` from `next()` with `failed` set, and the caller falls back to swift-protobuf, which decides what they mean.
public struct WireReader {
    public let bytes: UnsafeRawBufferPointer
    public private(set) var position: Int
    private let end: Int
    /// True once `next()` met bytes it does not read (malformed, or a group).
    public private(set) var failed = false
    private var groupDepth = 0

    /// One field: its number, its wire type, and its value (a varint or fixed number, or the payload's range).
    public struct Field {
        public var number: Int
        public var wireType: UInt8
        /// The varint, or the fixed32/fixed64 bits.
        public var number64: UInt64
        /// The payload's bytes of a length-delimited field (empty for others).
        public var payload: Range<Int>

        public var isVarint: Bool { wireType == 0 }
        public var isLengthDelimited: Bool { wireType == 2 }
        public var isFixed64: Bool { wireType == 1 }
    }

    public init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>? = nil) {
        self.bytes = bytes
        position = range?.lowerBound ?? 0
        end = range?.upperBound ?? bytes.count
    }

    /// The next field, or nil at the end (or on bytes it cannot read: then `failed` is true).
    @inline(__always)
    public mutating func next() -> Field? {
        guard position < end else { return nil }
        guard let tag = varint(), tag >> 3 > 0, tag >> 3 <= 536_870_911 else { return fail() }
        var field = Field(number: Int(tag >> 3), wireType: UInt8(tag & 7), number64: 0, payload: position..<position)
        switch field.wireType {
        case 0:
            guard let value = varint() else { return fail() }
            field.number64 = value
        case 1:
            guard end - position >= 8 else { return fail() }
            field.number64 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            position += 8
        case 2:
            guard let length = varint(), length <= UInt64(end - position) else { return fail() }
            field.payload = position..<(position + Int(length))
            position += Int(length)
        case 5:
            guard end - position >= 4 else { return fail() }
            field.number64 = UInt64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
            position += 4
        case 3:
            guard skipGroup(field.number) else { return fail() }
            field.payload = field.payload.lowerBound..<position
        default:
            return fail()  // an end of group without its start, and reserved wire types
        }
        return field
    }

    /// Skips the fields of a group up to its end tag (groups nest, as deep as swift-protobuf's limit).
    private mutating func skipGroup(_ number: Int) -> Bool {
        guard groupDepth < 100 else { return false }
        groupDepth += 1
        defer { groupDepth -= 1 }
        while position < end {
            let start = position
            guard let tag = varint() else { return false }
            if tag & 7 == 4 { return Int(tag >> 3) == number }
            position = start
            guard next() != nil else { return false }
        }
        return false
    }

    private mutating func fail() -> Field? {
        failed = true
        position = end
        return nil
    }

    @inline(__always)
    private mutating func varint() -> UInt64? {
        // One byte (tags and short lengths, nearly all) without the loop.
        if position < end, bytes[position] < 0x80 {
            defer { position += 1 }
            return UInt64(bytes[position])
        }
        return Varint.read(bytes, at: &position, end: end)
    }
}

extension WireReader {
    /// Whether `range` of `bytes` is valid UTF-8 (what swift-protobuf demands of a string field); `ascii` is set
    /// to whether every byte is below 0x80.
    public static func isValidUTF8(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, ascii: inout Bool) -> Bool {
        var index = range.lowerBound
        ascii = true
        // Eight bytes at a time while they are ASCII (nearly all text).
        while range.upperBound - index >= 8,
            bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
        {
            index += 8
        }
        while index < range.upperBound {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            ascii = false
            let count: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: count = 1
            case 0xE0: count = 2; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: count = 2
            case 0xED: count = 2; upper = 0x9F  // no surrogates
            case 0xF0: count = 3; lower = 0x90
            case 0xF1...0xF3: count = 3
            case 0xF4: count = 3; upper = 0x8F
            default: return false
            }
            guard range.upperBound - index > count else { return false }
            let second = bytes[index + 1]
            guard second >= lower && second <= upper else { return false }
            for offset in stride(from: 2, through: count, by: 1) where bytes[index + offset] & 0xC0 != 0x80 {
                return false
            }
            index += count + 1
        }
        return true
    }
}
