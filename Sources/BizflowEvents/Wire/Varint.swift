/// LEB128 unsigned integers (7 bits a byte, low first) and zigzag signed ones: protobuf's varints, and the lengths
/// and numbers of the state codec and of changelog group records.
public enum Varint {
    @inlinable
    public static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Reads one at `position`, below `end`, moving `position` past what was read; nil when the bytes end first (or
    /// run past 64 bits).
    @inlinable
    public static func read<Bytes: RandomAccessCollection<UInt8>>(
        _ bytes: Bytes, at position: inout Bytes.Index, end: Bytes.Index? = nil
    ) -> UInt64? {
        let end = end ?? bytes.endIndex
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < end, shift < 64 {
            let byte = bytes[position]
            bytes.formIndex(after: &position)
            result |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }

    public static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }

    public static func unzigzag(_ value: UInt64) -> Int64 { Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1))) }
}
