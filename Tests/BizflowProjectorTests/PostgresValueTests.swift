@testable import BizflowPostgres
@testable import BizflowProjector
import Foundation
import Testing

@Suite("Parameter text forms")
struct PostgresValueTests {
    /// The timestamp form as it was written before (interpolation and padding): the reference for the byte writer.
    func reference(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 {
            fraction += 1_000_000
            seconds -= 1
        }
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(Int64(parts.tm_year) + 1900, 4))-\(pad(Int64(parts.tm_mon) + 1, 2))-\(pad(Int64(parts.tm_mday), 2)) "
            + "\(pad(Int64(parts.tm_hour), 2)):\(pad(Int64(parts.tm_min), 2)):\(pad(Int64(parts.tm_sec), 2))."
            + pad(fraction, 6) + "+00"
    }

    @Test("timestamps: the same text as before, across centuries, leap days and negative fractions")
    func timestamps() {
        var generator = SystemRandomNumberGenerator()
        let fixed: [Double] = [0, -0.25, 951_782_400.000001, 1_790_000_000.123456, 253_402_300_799.999, -62_135_596_800]
        for seconds in fixed + (0..<2_000).map({ _ in Double.random(in: -2e9...4e9, using: &generator) }) {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(PostgresValue.timestamp(date) == reference(date), "\(seconds)")
        }
    }

    @Test("text arrays: quoted, backslashes and quotes escaped, empty and non-ASCII elements kept")
    func arrays() {
        #expect(PostgresValue.textArray([]).text == "{}")
        #expect(PostgresValue.textArray([""]).text == #"{""}"#)
        #expect(PostgresValue.textArray(["a\"b", "c,d", "e\\f", "𝄞"]).text == #"{"a\"b","c,d","e\\f","𝄞"}"#)
    }

    @Test("JSON strings: plain text copied whole, quotes, backslashes and control characters escaped")
    func jsonStrings() {
        #expect(Projection.quoted("plain 𝄞") == "\"plain 𝄞\"")
        #expect(Projection.quoted("a\"b\\c\nd\u{1}") == #""a\"b\\c\nd\u0001""#)
    }
}
