import Foundation

/// A query parameter, sent in text format; the SQL gives it its type (`$1::bigint`, `$2::timestamptz`).
public enum PostgresValue: Sendable, Equatable {
    case null
    case text(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case timestamp(Date)
    /// A JSON document (for jsonb columns).
    case json(String)
    /// A text[] array.
    case textArray([String])

    /// The text form libpq sends, nil for SQL NULL.
    public var text: String? {
        switch self {
        case .null: return nil
        case .text(let value), .json(let value): return value
        case .int(let value): return String(value)
        case .double(let value): return value.isFinite ? String(value) : (value.isNaN ? "NaN" : (value > 0 ? "Infinity" : "-Infinity"))
        case .bool(let value): return value ? "t" : "f"
        case .timestamp(let date): return Self.timestamp(date)
        case .textArray(let values): return Self.arrayLiteral(values)
        }
    }

    /// `{"a","b\"c"}`: every element quoted, backslashes and quotes escaped. Written byte by byte into the string's
    /// storage: Foundation's replacingOccurrences cost microseconds per call, and the projector sends every id of every
    /// batch this way (twice) — it was a third of the projector's CPU.
    static func arrayLiteral(_ values: [String]) -> String {
        let backslash = UInt8(ascii: "\\"), quote = UInt8(ascii: "\"")
        var count = 2 + max(0, values.count - 1)
        for value in values {
            count += 2 + value.utf8.count
            for byte in value.utf8 where byte == backslash || byte == quote { count += 1 }
        }
        return String(unsafeUninitializedCapacity: count) { out in
            var position = 0
            func put(_ byte: UInt8) {
                out[position] = byte
                position += 1
            }
            put(UInt8(ascii: "{"))
            for (index, value) in values.enumerated() {
                if index > 0 { put(UInt8(ascii: ",")) }
                put(quote)
                for byte in value.utf8 {
                    if byte == backslash || byte == quote { put(backslash) }
                    put(byte)
                }
                put(quote)
            }
            put(UInt8(ascii: "}"))
            return position
        }
    }

    /// The UTC calendar fields of `date` and its microseconds (0…999,999, also before 1970).
    static func utc(_ date: Date) -> (parts: tm, fraction: Int64) {
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
        return (parts, fraction)
    }

    /// The timestamp text by the general (slow) formatter.
    static func formatted(_ parts: tm, _ fraction: Int64) -> String {
        String(format: "%04lld-%02d-%02d %02d:%02d:%02d.%06lld+00", Int64(parts.tm_year) + 1900, parts.tm_mon + 1,
               parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, fraction)
    }

    /// `YYYY-MM-DD HH:MM:SS.ffffff+00`, exact to the microsecond. Written byte by byte (string interpolation with
    /// padding cost more than the statement it went into; the projector sends one or more per event).
    static func timestamp(_ date: Date) -> String {
        let (parts, fraction) = utc(date)
        let year = Int64(parts.tm_year) + 1900
        // Outside four digits (PostgreSQL's own spelling would add an era): the general formatter.
        guard (0...9999).contains(year) else { return formatted(parts, fraction) }
        return String(unsafeUninitializedCapacity: 29) { out in
            var position = 0
            func put(_ value: Int64, _ digits: Int) {
                var v = value
                for index in stride(from: position + digits - 1, through: position, by: -1) {
                    out[index] = UInt8(48 + v % 10)
                    v /= 10
                }
                position += digits
            }
            func put(_ byte: Unicode.Scalar) {
                out[position] = UInt8(ascii: byte)
                position += 1
            }
            put(year, 4)
            put("-")
            put(Int64(parts.tm_mon + 1), 2)
            put("-")
            put(Int64(parts.tm_mday), 2)
            put(" ")
            put(Int64(parts.tm_hour), 2)
            put(":")
            put(Int64(parts.tm_min), 2)
            put(":")
            put(Int64(parts.tm_sec), 2)
            put(".")
            put(fraction, 6)
            put("+")
            put("0")
            put("0")
            return position
        }
    }
}

/// A statement and its parameters, for pipelines.
public struct PostgresStatement: Sendable {
    public var sql: String
    public var parameters: [PostgresValue]

    public init(_ sql: String, _ parameters: [PostgresValue] = []) {
        self.sql = sql
        self.parameters = parameters
    }
}
