/// Text helpers over UTF-8 bytes for the per-event hot path (Foundation's versions bridge to NSString on Linux
/// and cost microseconds per call).
enum ASCIIText {
    /// The string without leading and trailing spaces, tabs and newlines.
    static func trimmed(_ text: String) -> String {
        let bytes = text.utf8
        guard let first = bytes.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = bytes.lastIndex(where: { !isSpace($0) })!
        if first == bytes.startIndex && last == bytes.index(before: bytes.endIndex) { return text }
        return String(text[first...last])
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 10 || byte == 13 }

    /// The string lower-cased; the same string (no copy) when it has nothing to lower-case.
    static func lowercased(_ text: String) -> String {
        text.utf8.contains { (65...90).contains($0) || $0 >= 0x80 } ? text.lowercased() : text
    }

    /// The string upper-cased; the same string (no copy) when it has nothing to upper-case.
    static func uppercased(_ text: String) -> String {
        text.utf8.contains { (97...122).contains($0) || $0 >= 0x80 } ? text.uppercased() : text
    }

    /// True when `haystack` (lower-cased by the caller) contains `needle` (lower-case).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
        let first = needle[0]
        var i = 0
        let end = haystack.count - needle.count
        while i <= end {
            if haystack[i] == first {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            i += 1
        }
        return false
    }
}

extension ASCIIText {
    /// `range` of `bytes` without leading and trailing spaces, tabs and newlines.
    static func trimmed(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && isSpace(bytes[lower]) { lower += 1 }
        while upper > lower && isSpace(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// Appends `range` of ASCII `bytes` to `out` with A-Z lower-cased (or, with `upper`, a-z upper-cased).
    static func appendCased(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, upper: Bool = false, to out: inout [UInt8]) {
        for index in range {
            let byte = bytes[index]
            if upper { out.append((97...122).contains(byte) ? byte - 32 : byte) } else { out.append((65...90).contains(byte) ? byte + 32 : byte) }
        }
    }

    /// Whether `range` of `bytes` equals `other`.
    static func equals(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ other: [UInt8]) -> Bool {
        guard range.count == other.count else { return false }
        var index = range.lowerBound
        for byte in other {
            if bytes[index] != byte { return false }
            index += 1
        }
        return true
    }

    /// The text of `range` of `bytes` (for the few non-ASCII values, which go through `String`'s Unicode rules).
    static func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}

extension ASCIIText {
    static func folded(_ byte: UInt8) -> UInt8 { (65...90).contains(byte) ? byte + 32 : byte }

    /// Whether `range` of ASCII `bytes`, lower-cased, equals `lower` (lower-case).
    static func equalsFolded(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ lower: [UInt8]) -> Bool {
        guard range.count == lower.count else { return false }
        var index = range.lowerBound
        for byte in lower {
            if folded(bytes[index]) != byte { return false }
            index += 1
        }
        return true
    }

    /// Whether `range` of ASCII `bytes`, lower-cased, contains `needle` (lower-case); an empty needle always.
    static func containsFolded(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard range.count >= needle.count else { return false }
        var start = range.lowerBound
        while start <= range.upperBound - needle.count {
            if folded(bytes[start]) == first {
                var offset = 1
                while offset < needle.count && folded(bytes[start + offset]) == needle[offset] { offset += 1 }
                if offset == needle.count { return true }
            }
            start += 1
        }
        return false
    }
}
