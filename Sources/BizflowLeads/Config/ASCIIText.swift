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
