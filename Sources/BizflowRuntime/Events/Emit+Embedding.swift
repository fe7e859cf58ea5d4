import BizflowEvents
import SwiftProtobuf

extension Emit {
    /// Emits `event` with its message field `field` written from `embedded`, an encoding of that field's value the
    /// tier already holds (the bytes an input arrived in, a stored state value), rather than encoding it again.
    /// `clear` unsets that field; the rest of `event` is encoded as usual and the field appended: a message field is
    /// its tag, its length and the message's bytes, and a decoder takes fields in any order. `embedded` must decode
    /// to the field's value in `event` (a test of each caller decodes the result against `event`). No `topic`: the one
    /// the topology routes its type to.
    public init<M: DomainEvent>(
        _ event: M, to topic: String = "", key: String? = nil, embedding embedded: [UInt8], asField field: Int,
        clearing clear: (inout M) -> Void
    ) throws {
        var rest = event
        clear(&rest)
        var bytes: [UInt8] = try rest.serializedBytes()
        bytes.reserveCapacity(bytes.count + embedded.count + 12)
        Varint.append(UInt64(field) << 3 | 2, to: &bytes)  // wire type 2: length-delimited
        Varint.append(UInt64(embedded.count), to: &bytes)
        bytes.append(contentsOf: embedded)
        self.init(event, to: topic, key: key)
        encoded = bytes
    }
}
