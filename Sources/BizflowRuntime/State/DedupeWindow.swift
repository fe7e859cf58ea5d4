/// The last few event ids of a key, newline-separated, oldest first: how a tier drops an input it has already
/// processed. Read and written in place on bytes (no splitting into arrays): this runs for every event.
enum DedupeWindow {
    /// Whether `id` is one of the window's ids.
    static func contains(_ window: [UInt8], _ id: String) -> Bool {
        var start = window.startIndex
        for index in window.indices where window[index] == 0x0a {
            if window[start..<index].elementsEqual(id.utf8) { return true }
            start = index + 1
        }
        return window[start...].elementsEqual(id.utf8)
    }

    /// The window with `id` appended, keeping the newest `size` ids.
    static func appending(_ window: [UInt8], _ id: String, size: Int) -> [UInt8] {
        // Where the newest `size - 1` ids of the old window begin.
        var start = size <= 1 ? window.endIndex : window.startIndex
        if size > 1 {
            var separators = 0
            var index = window.endIndex
            while index > window.startIndex {
                index -= 1
                guard window[index] == 0x0a else { continue }
                separators += 1
                if separators == size - 1 {
                    start = index + 1
                    break
                }
            }
        }
        var result: [UInt8] = []
        result.reserveCapacity(window.endIndex - start + 1 + id.utf8.count)
        if start < window.endIndex {
            result += window[start...]
            result.append(0x0a)
        }
        result += id.utf8
        return result
    }
}
