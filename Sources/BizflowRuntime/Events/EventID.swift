import BizflowEvents

/// Deterministic event ids: re-processing an input after a crash emits outputs with the ids it had the first
/// time, so consumers that deduplicate on `ce_id` see each output once.
public enum EventID {
    /// A UUID-shaped id derived from `parts` (stable across processes and runs).
    public static func derived(_ parts: String...) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        for part in parts {
            for byte in part.utf8 {
                a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
                b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 &+ 0x9e37_79b9
            }
            a = (a ^ 0x1f) &* 0x0000_0100_0000_01b3  // separator, so ("ab","c") != ("a","bc")
            b = (b ^ 0x1f) &* 0x0000_0100_0000_01b3
        }
        // Mix the two lanes so close inputs spread over every digit.
        a ^= b >> 29
        b ^= a << 17
        return EventEnvelope.uuidText(a, b)
    }
}
