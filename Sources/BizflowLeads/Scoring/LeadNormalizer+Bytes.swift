import BizflowEvents

/// A lead's normalised email, country, phone and industry, as ranges of a text buffer the caller reuses.
struct NormalizedFields {
    var email = 0..<0, country = 0..<0, phone = 0..<0, industry = 0..<0
    /// Whether any of them differs from the lead as received.
    var changed = false
}

extension LeadNormalizer {
    static let countryNameTable = countryNames.map { (name: Array($0.key.utf8), code: Array($0.value.utf8)) }
    static let callingCodeTable = callingCodes.map { (country: Array($0.key.utf8), code: Array($0.value.utf8)) }

    /// The normalised fields of the lead `view` reads from `bytes`, written to `text` (cleared first). ASCII values
    /// (nearly all) are worked out on their bytes; others go through the `String` functions and their Unicode rules.
    static func normalize(_ bytes: UnsafeRawBufferPointer, _ view: LeadCapturedView, into text: inout [UInt8]) -> NormalizedFields {
        typealias F = LeadCapturedView.Field
        text.removeAll(keepingCapacity: true)
        var fields = NormalizedFields()
        func field(_ number: Int, _ range: Range<Int>, _ append: (inout [UInt8]) -> Void) -> Range<Int> {
            let start = text.count
            append(&text)
            let result = start..<text.count
            if !fields.changed && !text[result].elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[range])) {
                fields.changed = true
            }
            return result
        }
        fields.email = field(F.email, view.email) { text in
            lowerTrimmed(bytes, view.email, ascii: view.isASCII(F.email), to: &text)
        }
        fields.country = field(F.country, view.country) { text in
            guard view.isASCII(F.country) else { return text += country(ASCIIText.string(bytes, view.country)).utf8 }
            appendCountry(bytes, view.country, to: &text)
        }
        let code = callingCodeTable.first { $0.country.elementsEqual(text[fields.country]) }?.code
        fields.phone = field(F.phone, view.phone) { text in
            guard view.isASCII(F.phone) else {
                let country = String(decoding: text[fields.country], as: UTF8.self)
                return text += e164(ASCIIText.string(bytes, view.phone), country: country).utf8
            }
            appendE164(bytes, view.phone, callingCode: code, to: &text)
        }
        fields.industry = field(F.industry, view.industry) { text in
            lowerTrimmed(bytes, view.industry, ascii: view.isASCII(F.industry), to: &text)
        }
        return fields
    }

    /// The lead's encoding with the normalised fields in place of its own (an emptied field left out).
    static func rewrite(_ bytes: UnsafeRawBufferPointer, _ fields: NormalizedFields, text: [UInt8]) -> [UInt8] {
        typealias F = LeadCapturedView.Field
        var writer = WireWriter(capacity: bytes.count + 16)
        var reader = WireReader(bytes)
        var start = 0
        while let field = reader.next() {
            let replacement: Range<Int>? =
                switch field.number {
                case F.email: fields.email
                case F.phone: fields.phone
                case F.industry: fields.industry
                case F.country: fields.country
                default: nil
                }
            if let replacement {
                text.withUnsafeBytes { writer.bytes(field.number, UnsafeRawBufferPointer(rebasing: $0[replacement])) }
            } else {
                writer.raw(UnsafeRawBufferPointer(rebasing: bytes[start..<reader.position]))
            }
            start = reader.position
        }
        return writer.bytes
    }

    private static func lowerTrimmed(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, ascii: Bool, to text: inout [UInt8]) {
        if ascii {
            ASCIIText.appendCased(bytes, ASCIIText.trimmed(bytes, range), to: &text)
        } else {
            text += ASCIIText.lowercased(ASCIIText.trimmed(ASCIIText.string(bytes, range))).utf8
        }
    }

    /// `country(_:)` on ASCII bytes.
    private static func appendCountry(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, to text: inout [UInt8]) {
        if range.count == 2, (65...90).contains(bytes[range.lowerBound]), (65...90).contains(bytes[range.lowerBound + 1]),
            !twoLetterNames.contains(where: { ASCIIText.equals(bytes, range, $0) })
        {
            return text.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[range]))
        }
        let start = text.count
        ASCIIText.appendCased(bytes, ASCIIText.trimmed(bytes, range), upper: true, to: &text)
        if let entry = countryNameTable.first(where: { $0.name.elementsEqual(text[start...]) }) {
            text.replaceSubrange(start..., with: entry.code)
        }
    }

    /// `e164(_:country:)` on ASCII bytes, given the country's calling code.
    private static func appendE164(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, callingCode code: [UInt8]?, to text: inout [UInt8]
    ) {
        let trimmed = ASCIIText.trimmed(bytes, range)
        guard !trimmed.isEmpty else { return }
        let start = text.count
        for index in trimmed where (48...57).contains(bytes[index]) { text.append(bytes[index]) }
        let digits = text.count - start
        if bytes[trimmed.lowerBound] == 43 { return text.insert(43, at: start) }  // + kept
        if digits >= 2 && text[start] == 48 && text[start + 1] == 48 {  // 00: the international prefix
            return text.replaceSubrange(start..<(start + 2), with: [43])
        }
        guard let code else { return }
        if code == [49] {  // North America: 10 digits, or 11 starting with 1
            if digits == 11 && text[start] == 49 { return text.insert(43, at: start) }
            if digits == 10 { text.insert(contentsOf: [43, 49], at: start) }
            return
        }
        if digits > 0 && text[start] == 48 { text.remove(at: start) }  // national trunk prefix
        if text.count - start >= 6 { text.insert(contentsOf: [43] + code, at: start) }
    }
}
