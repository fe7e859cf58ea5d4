import Foundation

extension EventEnvelope {
    /// Reads and validates the headers of a record; the reason names the first bad header.
    public init(headers: some Sequence<(key: String, value: [UInt8]?)>) throws(EventError) {
        let headers = Array(headers)
        try self.init(headerCount: headers.count) { index in
            (key: headers[index].key, text: headers[index].value.map { String(validating: $0, as: UTF8.self) })
        }
    }

    /// Reads and validates `headerCount` headers given as text by `header`: `text` is nil for a header without a
    /// value and `.some(nil)` for one whose value is not UTF-8. (A closure, not a generic sequence: generic code
    /// across modules runs unspecialised, allocating per header, and this runs for every consumed event.)
    public init(headerCount: Int, _ header: (Int) -> (key: String, text: String??)) throws(EventError) {
        // One pass over the headers into the known fields (no dictionary: this runs for every consumed event).
        var fields = [String?](repeating: nil, count: Self.knownHeaders.count)
        for position in 0..<headerCount {
            let (key, text) = header(position)
            guard let text, let index = Self.knownIndex(key) else { continue }
            guard let text else { throw .invalidHeader(key, "not UTF-8") }
            fields[index] = text  // the last occurrence wins, as in Kafka
        }
        let values = KnownHeaders(fields: fields)
        func required(_ name: String) throws(EventError) -> String {
            guard let value = values[name], !value.isEmpty else { throw .missingHeader(name) }
            return value
        }
        let spec = try required(Header.specversion)
        guard spec == Self.specVersion else { throw .invalidHeader(Header.specversion, "expected 1.0, got \(spec)") }
        let contentType = try required(Header.contentType)
        // The exact value first: lowercasing allocates, and this runs for every consumed event.
        guard contentType == Self.contentType || contentType.lowercased().hasPrefix(Self.contentType) else {
            throw .invalidHeader(Header.contentType, "expected \(Self.contentType), got \(contentType)")
        }
        let timeText = try required(Header.time)
        guard let time = Self.parseTime(timeText) else {
            throw .invalidHeader(Header.time, "not an RFC 3339 timestamp")
        }
        let traceparent = values[Header.traceparent]
        if let traceparent, !Self.isValidTraceparent(traceparent) {
            throw .invalidHeader(Header.traceparent, "not a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)")
        }
        self.init(
            id: try required(Header.id), source: try required(Header.source), type: try required(Header.type),
            time: time, tenantID: try required(Header.tenantID),
            correlationID: values[Header.correlationID].flatMap { $0.isEmpty ? nil : $0 },
            causationID: values[Header.causationID] ?? "", traceparent: traceparent)
    }

    static let knownHeaders = [
        Header.specversion, Header.id, Header.source, Header.type, Header.time, Header.contentType, Header.tenantID,
        Header.correlationID, Header.causationID, Header.traceparent,
    ]

    /// Their lengths in bytes, compared before the names themselves.
    static let knownLengths = knownHeaders.map(\.utf8.count)

    /// The position of a known header in `knownHeaders`. Lengths first: a `switch` over strings compares them one
    /// case after another (up to ten string comparisons per header of every consumed event); equal lengths leave
    /// one or two.
    static func knownIndex(_ name: String) -> Int? {
        let length = name.utf8.count
        for index in knownHeaders.indices where knownLengths[index] == length && knownHeaders[index] == name {
            return index
        }
        return nil
    }

    /// The known headers' values, by name.
    private struct KnownHeaders {
        let fields: [String?]
        subscript(name: String) -> String? { EventEnvelope.knownIndex(name).flatMap { fields[$0] } }
    }

    static func isValidTraceparent(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        let lengths = [2, 32, 16, 2]
        return zip(parts, lengths).allSatisfy { part, length in
            part.count == length && part.allSatisfy(\.isHexDigit)
        }
    }
}
