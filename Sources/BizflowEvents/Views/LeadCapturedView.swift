/// A `LeadCaptured` read in place from its encoding: each string as a range of the bytes, numbers as values. Made
/// without allocating; nil when swift-protobuf should decide what the bytes mean (malformed, a message field given
/// twice, a known field with another wire type, a string that is not UTF-8), so a caller falls back to it.
public struct LeadCapturedView {
    public var leadID = 0..<0, tenantID = 0..<0, email = 0..<0, phone = 0..<0, firstName = 0..<0, lastName = 0..<0
    public var companyName = 0..<0, industry = 0..<0, jobTitle = 0..<0, country = 0..<0, region = 0..<0, city = 0..<0
    public var campaignID = 0..<0
    public var companySize: Int32 = 0, websiteVisits: Int32 = 0, emailOpens: Int32 = 0, contentDownloads: Int32 = 0
    /// Enum values as numbers (unknown ones kept, as swift-protobuf keeps them).
    public var source: Int32 = 0, timeline: Int32 = 0, marketingConsent: Int32 = 0
    /// The `Money budget` payload when present, with its fields.
    public var budget: Range<Int>?
    public var budgetAmountMinor: Int64 = 0
    public var budgetCurrency = 0..<0
    public var capturedAt: Range<Int>?
    /// How many `service_requirements` there are (`services(in:)` lists them).
    public var serviceCount = 0
    /// Bit n set: string field n is not all ASCII.
    public private(set) var nonASCIIFields: UInt32 = 0

    /// Field numbers (leads.proto).
    public enum Field {
        public static let leadID = 1, tenantID = 2, email = 3, phone = 4, industry = 9, jobTitle = 10, country = 11
        public static let services = 17
    }

    public init?(_ bytes: UnsafeRawBufferPointer) {
        var reader = WireReader(bytes)
        while let field = reader.next() {
            switch field.number {
            case 1...7, 9...13, 22:
                guard field.isLengthDelimited, checkText(bytes, field) else { return nil }
                setText(field.number, field.payload)
            case 17:
                guard field.isLengthDelimited, checkText(bytes, field) else { return nil }
                serviceCount += 1
            case 8, 14, 16, 18, 19, 20, 23:
                guard field.isVarint else { return nil }
                setNumber(field.number, Int32(truncatingIfNeeded: field.number64))
            case 15:
                guard field.isLengthDelimited, budget == nil, readMoney(bytes, field.payload) else { return nil }
                budget = field.payload
            case 21:
                guard field.isLengthDelimited, capturedAt == nil, Self.isTimestamp(bytes, field.payload) else { return nil }
                capturedAt = field.payload
            default:
                continue  // an unknown field: swift-protobuf keeps it, and so do the bytes
            }
        }
        guard !reader.failed else { return nil }
    }

    /// Whether string field `number` is all ASCII.
    public func isASCII(_ number: Int) -> Bool { nonASCIIFields & (1 << UInt32(number)) == 0 }

    /// Calls `body` with each service requirement's range, in order.
    public func services(in bytes: UnsafeRawBufferPointer, _ body: (Range<Int>) -> Void) {
        guard serviceCount > 0 else { return }
        var reader = WireReader(bytes)
        while let field = reader.next() {
            if field.number == Field.services { body(field.payload) }
        }
    }

    private mutating func checkText(_ bytes: UnsafeRawBufferPointer, _ field: WireReader.Field) -> Bool {
        var ascii = true
        guard WireReader.isValidUTF8(bytes, field.payload, ascii: &ascii) else { return false }
        if !ascii { nonASCIIFields |= 1 << UInt32(field.number) }
        return true
    }

    private mutating func setText(_ number: Int, _ range: Range<Int>) {
        switch number {
        case 1: leadID = range
        case 2: tenantID = range
        case 3: email = range
        case 4: phone = range
        case 5: firstName = range
        case 6: lastName = range
        case 7: companyName = range
        case 9: industry = range
        case 10: jobTitle = range
        case 11: country = range
        case 12: region = range
        case 13: city = range
        default: campaignID = range
        }
    }

    private mutating func setNumber(_ number: Int, _ value: Int32) {
        switch number {
        case 8: companySize = value
        case 14: source = value
        case 16: timeline = value
        case 18: websiteVisits = value
        case 19: emailOpens = value
        case 20: contentDownloads = value
        default: marketingConsent = value
        }
    }

    /// `Money { int64 amount_minor = 1; string currency = 2; }`.
    private mutating func readMoney(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        var reader = WireReader(bytes, range: range)
        while let field = reader.next() {
            switch field.number {
            case 1:
                guard field.isVarint else { return false }
                budgetAmountMinor = Int64(bitPattern: field.number64)
            case 2:
                var ascii = true
                guard field.isLengthDelimited, WireReader.isValidUTF8(bytes, field.payload, ascii: &ascii) else { return false }
                budgetCurrency = field.payload
            default:
                continue
            }
        }
        return !reader.failed
    }

    /// `Timestamp { int64 seconds = 1; int32 nanos = 2; }`, well-formed.
    private static func isTimestamp(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        var reader = WireReader(bytes, range: range)
        while let field = reader.next() {
            if (field.number == 1 || field.number == 2) && !field.isVarint { return false }
        }
        return !reader.failed
    }
}
