@testable import BizflowPostgres
@testable import BizflowProjector
import Foundation
import Testing

@Suite("Parameter text forms")
struct PostgresValueTests {
    @Test("timestamps: the byte writer agrees with the general formatter, across centuries, leap days and negative fractions")
    func timestamps() {
        var generator = SystemRandomNumberGenerator()
        let fixed: [Double] = [0, -0.25, 951_782_400.000001, 1_790_000_000.123456, 253_402_300_799.999, -62_135_596_800]
        for seconds in fixed + (0..<2_000).map({ _ in Double.random(in: -2e9...4e9, using: &generator) }) {
            let date = Date(timeIntervalSince1970: seconds)
            let (parts, fraction) = PostgresValue.utc(date)
            #expect(PostgresValue.timestamp(date) == PostgresValue.formatted(parts, fraction), "\(seconds)")
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
