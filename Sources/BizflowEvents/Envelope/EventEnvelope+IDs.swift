extension EventEnvelope {
    /// A new random event id (UUID version 4, lower case). From the system's generator (getrandom): Foundation's
    /// `UUID()` opens and reads /dev/urandom for each one, three system calls per event a gateway accepts.
    public static func newID() -> String {
        var random = SystemRandomNumberGenerator()
        let high = random.next() & ~0xF000 | 0x4000  // version 4
        let low = random.next() & ~(0xC << 60) | (0x8 << 60)  // RFC 4122 variant
        return uuidText(high, low)
    }

    /// Two 64-bit lanes as UUID text (8-4-4-4-12 lower-case hex), written in place into the string's storage.
    public static func uuidText(_ high: UInt64, _ low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 36) { out in
            var position = 0
            for lane in [high, low] {
                for shift in stride(from: 60, through: 0, by: -4) {
                    if position == 8 || position == 13 || position == 18 || position == 23 {
                        out[position] = 45  // dashes at 8, 13, 18, 23
                        position += 1
                    }
                    let nibble = UInt8(truncatingIfNeeded: lane >> UInt64(shift)) & 0xf
                    out[position] = nibble < 10 ? 48 + nibble : 87 + nibble  // 0-9, a-f
                    position += 1
                }
            }
            return 36
        }
    }
}
