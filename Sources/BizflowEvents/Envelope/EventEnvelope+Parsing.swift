import Foundation

extension EventEnvelope {
    /// Reads and validates the headers of a record; the reason names the first bad header.
    public init(headers: some Sequence<(key: String, value: [UInt8]?)>) throws(EventError) {
        // One pass over the headers into the known fields (no dictionary: this runs for every consumed event).
        var fields = [String?](repeating: nil, count: Self.knownHeaders.count)
        for (key, value) in headers {
            guard let value, let index = Self.knownHeaders.firstIndex(of: key) else { continue }
            guard let text = String(validating: value, as: UTF8.self) else {
                throw .invalidHeader(key, "not UTF-8")
            }
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
        guard contentType.lowercased().hasPrefix(Self.contentType) else {
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

    /// The known headers' values, by name.
    private struct KnownHeaders {
        let fields: [String?]
        subscript(name: String) -> String? { EventEnvelope.knownHeaders.firstIndex(of: name).flatMap { fields[$0] } }
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
