import Foundation

/// RFC 3339 timestamps for `ce_time`, written and read on every event: a hand-written UTC fast path (Foundation's
/// ISO 8601 styles cost microseconds per call), falling back to Foundation for offsets and other variants.
enum EventTime {
    /// `2026-11-23T13:59:40.123Z` (UTC, milliseconds).
    static func format(_ date: Date) -> String {
        let totalMs = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var days = totalMs >= 0 ? totalMs / 86_400_000 : (totalMs - 86_399_999) / 86_400_000
        let msOfDay = totalMs - days * 86_400_000
        // Days since the epoch to a civil date (Howard Hinnant's algorithm).
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        // Written in place into the string's storage (one allocation): this runs for every produced event.
        return String(unsafeUninitializedCapacity: 24) { out in
            var position = 0
            func put(_ value: Int64, _ digits: Int) {
                var v = value
                for index in stride(from: position + digits - 1, through: position, by: -1) {
                    out[index] = UInt8(48 + v % 10)
                    v /= 10
                }
                position += digits
            }
            func put(_ byte: UInt8) {
                out[position] = byte
                position += 1
            }
            put(year, 4)
            put(45)
            put(month, 2)
            put(45)
            put(day, 2)
            put(84)
            put(msOfDay / 3_600_000, 2)
            put(58)
            put(msOfDay / 60_000 % 60, 2)
            put(58)
            put(msOfDay / 1000 % 60, 2)
            put(46)
            put(msOfDay % 1000, 3)
            put(90)
            return position
        }
    }

    /// Parses RFC 3339; nil when the text is not a timestamp.
    static func parse(_ text: String) -> Date? {
        // UTC ("Z") timestamps are read here alone: Foundation would accept out-of-range fields like hour 25.
        // Read in place (withUTF8), not copied: this runs for every consumed event.
        var text = text
        let utc: Date?? = text.withUTF8 { bytes in bytes.last == 90 || bytes.last == 122 ? .some(parseUTC(bytes)) : nil }
        if let utc { return utc }
        return (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    /// `YYYY-MM-DDTHH:MM:SS[.f+]Z` only.
    private static func parseUTC(_ b: UnsafeBufferPointer<UInt8>) -> Date? {
        guard b.count >= 20, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116, b[13] == 58, b[16] == 58,
            b.last == 90 || b.last == 122
        else { return nil }
        func number(_ from: Int, _ count: Int) -> Int64? {
            var value: Int64 = 0
            for i in from..<(from + count) {
                guard (48...57).contains(b[i]) else { return nil }
                value = value * 10 + Int64(b[i] - 48)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2), (1...12).contains(month), (1...31).contains(day),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var fraction = 0.0
        if b.count > 20 {
            guard b[19] == 46, b.count > 21 else { return nil }
            var scale = 0.1
            for i in 20..<(b.count - 1) {
                guard (48...57).contains(b[i]) else { return nil }
                fraction += Double(b[i] - 48) * scale
                scale /= 10
            }
        } else if b[19] != 90 && b[19] != 122 {
            return nil
        }
        // Civil date to days since the epoch (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}
