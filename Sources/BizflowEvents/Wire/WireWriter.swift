/// Writes protobuf wire format straight into a byte array, the way swift-protobuf encodes proto3: fields in the
/// order they are written (callers write them by number), default values left out. The hot path's writer; tests
/// prove each caller's bytes equal swift-protobuf's.
public struct WireWriter {
    public var bytes: [UInt8]

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func varint(_ value: UInt64) { Varint.append(value, to: &bytes) }

    public mutating func tag(_ field: Int, _ wireType: UInt8) { varint(UInt64(field) << 3 | UInt64(wireType)) }

    /// An int32 or enum field (negative values take ten bytes, as protobuf sign-extends them); nothing for 0.
    public mutating func int32(_ field: Int, _ value: Int32) {
        guard value != 0 else { return }
        tag(field, 0)
        varint(UInt64(bitPattern: Int64(value)))
    }

    public mutating func int64(_ field: Int, _ value: Int64) {
        guard value != 0 else { return }
        tag(field, 0)
        varint(UInt64(bitPattern: value))
    }

    public mutating func bool(_ field: Int, _ value: Bool) {
        guard value else { return }
        tag(field, 0)
        bytes.append(1)
    }

    public mutating func double(_ field: Int, _ value: Double) {
        guard value.bitPattern != 0 else { return }
        tag(field, 1)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A string or bytes field from bytes; nothing when empty.
    public mutating func bytes(_ field: Int, _ value: UnsafeRawBufferPointer) {
        guard !value.isEmpty else { return }
        tag(field, 2)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    public mutating func bytes(_ field: Int, _ value: [UInt8]) {
        value.withUnsafeBytes { self.bytes(field, $0) }
    }

    public mutating func string(_ field: Int, _ value: String) {
        var value = value
        value.withUTF8 { bytes(field, UnsafeRawBufferPointer($0)) }
    }

    /// A message field whose body `write` appends (empty bodies are written too: a set message field is present).
    public mutating func message(_ field: Int, _ write: (inout WireWriter) -> Void) {
        _ = lengthDelimited(field, write)
    }

    /// Writes a length-delimited field whose payload `write` appends; returns where the field starts and the
    /// payload's length. The length is reserved as one byte and widened after, which a payload over 127 bytes pays
    /// with one move.
    private mutating func lengthDelimited(_ field: Int, _ write: (inout WireWriter) -> Void) -> (start: Int, length: Int) {
        let start = bytes.count
        tag(field, 2)
        let lengthAt = bytes.count
        bytes.append(0)
        write(&self)
        let length = bytes.count - lengthAt - 1
        if length < 0x80 {
            bytes[lengthAt] = UInt8(length)
        } else {
            var prefix = WireWriter(capacity: 4)
            prefix.varint(UInt64(length))
            bytes.replaceSubrange(lengthAt..<(lengthAt + 1), with: prefix.bytes)
        }
        return (start, length)
    }

    /// A string field from static text; nothing when empty.
    public mutating func text(_ field: Int, _ value: StaticString) {
        bytes(field, UnsafeRawBufferPointer(start: value.utf8Start, count: value.utf8CodeUnitCount))
    }

    /// A string field whose UTF-8 `write` appends; left out when it appends nothing.
    public mutating func text(_ field: Int, _ write: (inout WireWriter) -> Void) {
        let (start, length) = lengthDelimited(field, write)
        if length == 0 { bytes.removeSubrange(start...) }
    }

    /// Appends static text (no tag, no length).
    public mutating func append(_ value: StaticString) {
        bytes.append(contentsOf: UnsafeRawBufferPointer(start: value.utf8Start, count: value.utf8CodeUnitCount))
    }

    /// Appends bytes already in wire format (a field's tag, length and payload copied from elsewhere).
    public mutating func raw(_ value: UnsafeRawBufferPointer) { bytes.append(contentsOf: value) }

    /// Appends a decimal integer as ASCII text (reason details: "25 visits").
    public mutating func decimal(_ value: Int) {
        if value < 0 { bytes.append(45) }
        var magnitude = value.magnitude
        let start = bytes.count
        repeat {
            bytes.append(48 + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()
    }
}
