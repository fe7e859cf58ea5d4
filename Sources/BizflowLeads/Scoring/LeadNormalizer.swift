import BizflowEvents
import SwiftProtobuf

/// Cleans a captured lead before scoring: email lower-cased and checked, phone to E.164 where the country tells
/// the calling code, country names to ISO 3166-1 alpha-2.
public enum LeadNormalizer {
    /// Calling codes of the countries leads come from most; others keep their number as given.
    static let callingCodes: [String: String] = [
        "US": "1", "CA": "1", "GB": "44", "DE": "49", "FR": "33", "NL": "31", "SE": "46", "ES": "34", "IT": "39",
        "IE": "353", "BE": "32", "CH": "41", "AT": "43", "DK": "45", "NO": "47", "FI": "358", "PL": "48", "PT": "351",
        "AU": "61", "NZ": "64", "IN": "91", "JP": "81", "SG": "65", "BR": "55", "MX": "52", "ZA": "27",
    ]
    static let countryNames: [String: String] = [
        "UNITED STATES": "US", "USA": "US", "U.S.": "US", "UNITED KINGDOM": "GB", "UK": "GB", "ENGLAND": "GB",
        "GERMANY": "DE", "DEUTSCHLAND": "DE", "FRANCE": "FR", "NETHERLANDS": "NL", "HOLLAND": "NL", "SWEDEN": "SE",
        "SPAIN": "ES", "ITALY": "IT", "IRELAND": "IE", "CANADA": "CA", "AUSTRALIA": "AU", "INDIA": "IN", "JAPAN": "JP",
        "SWITZERLAND": "CH", "AUSTRIA": "AT", "BELGIUM": "BE", "DENMARK": "DK", "NORWAY": "NO", "FINLAND": "FI",
        "POLAND": "PL", "PORTUGAL": "PT", "BRAZIL": "BR", "MEXICO": "MX", "SINGAPORE": "SG",
    ]
    /// The names above that look like codes (UK).
    static let twoLetterNames = countryNames.keys.filter { $0.utf8.count == 2 }.map { Array($0.utf8) }
    /// Top-level domains reserved for tests and examples (RFC 2606/6761): never a reachable person.
    static let reservedTLDs: Set<String> = ["invalid", "test", "localhost", "example", "local"]

    /// The lead with normalised email, phone and country.
    public static func normalize(_ lead: LeadCaptured) -> LeadCaptured { normalizing(lead).lead }

    /// The lead with normalised email, phone, country and industry, and whether that changed anything (an unchanged
    /// lead's bytes as received are its encoding). The rules run on the lead's encoding, as in the scoring tier.
    public static func normalizing(_ lead: LeadCaptured) -> (lead: LeadCaptured, changed: Bool) {
        onBytes(lead) { raw, view in
            var text: [UInt8] = []
            let fields = normalize(raw, view, into: &text)
            guard fields.changed, let normalized = try? LeadCaptured(serializedBytes: rewrite(raw, fields, text: text)) else {
                return (lead, false)
            }
            return (normalized, true)
        } ?? (lead, false)
    }

    /// Runs `body` on the lead's encoding (nil when it cannot be encoded).
    private static func onBytes<R>(_ lead: LeadCaptured, _ body: (UnsafeRawBufferPointer, LeadCapturedView) -> R) -> R? {
        guard let bytes: [UInt8] = try? lead.serializedBytes() else { return nil }
        return bytes.withUnsafeBytes { raw in LeadCapturedView(raw).map { body(raw, $0) } }
    }

    /// local@domain.tld with no spaces, one @, a dot in the domain and no empty labels.
    public static func isWellFormedEmail(_ email: String) -> Bool {
        var email = email
        return email.withUTF8(isWellFormedEmail)
    }

    /// One pass over the bytes, no allocation: this runs for every captured lead.
    static func isWellFormedEmail(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count <= 254 else { return false }
        var at: Int?
        var labelStart = 0
        var labels = 0
        // A domain label: not empty, and neither starting nor ending with a hyphen.
        func labelIsValid(_ end: Int) -> Bool { end > labelStart && bytes[labelStart] != 45 && bytes[end - 1] != 45 }
        for index in 0..<bytes.count {
            switch bytes[index] {
            case 32, 9, 10, 13, 44, 59, 60, 62:  // whitespace , ; < >
                return false
            case 64:  // @
                guard at == nil, index > 0, index <= 64 else { return false }
                at = index
                labelStart = index + 1
            case 46 where at != nil:  // . in the domain
                guard labelIsValid(index) else { return false }
                labels += 1
                labelStart = index + 1
            default:
                continue
            }
        }
        return at != nil && labels >= 1 && labelIsValid(bytes.count)
    }

    /// True when the domain can never be a real mailbox (reserved test TLDs).
    public static func isReservedDomain(_ domain: String) -> Bool {
        // The last non-empty dot-separated label, as `split` would give it, without splitting the whole domain.
        let trimmed = domain.utf8.reversed().drop { $0 == 46 }.count
        guard trimmed > 0 else { return true }
        let body = domain.utf8.prefix(trimmed)
        let start = body.lastIndex(of: 46).map { domain.utf8.index(after: $0) } ?? domain.utf8.startIndex
        return reservedTLDs.contains(String(domain[start..<body.endIndex]))
    }

    public static func country(_ raw: String) -> String {
        // Nearly every lead has an upper-case ISO code already: answered without case mapping or hashing (unless it
        // is one of the names, like UK).
        if raw.utf8.count == 2, raw.utf8.allSatisfy({ (65...90).contains($0) }),
            !twoLetterNames.contains(where: { $0.elementsEqual(raw.utf8) })
        {
            return raw
        }
        let upper = ASCIIText.uppercased(ASCIIText.trimmed(raw))
        if let code = countryNames[upper] { return code }
        if upper.count == 2, upper.allSatisfy({ $0.isLetter }) { return upper }
        return upper.isEmpty ? "" : upper
    }

    /// The number characters of `text`; ASCII text (nearly every phone number) is filtered by byte, as a Character's
    /// Unicode properties cost a table lookup each.
    static func digitsOf(_ text: String) -> String {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return text.filter(\.isNumber) }
        return String(decoding: text.utf8.filter { (48...57).contains($0) }, as: UTF8.self)
    }

    /// E.164 (`+` and digits) when it can be worked out; otherwise the digits as given.
    public static func e164(_ raw: String, country: String) -> String {
        let trimmed = ASCIIText.trimmed(raw)
        guard !trimmed.isEmpty else { return "" }
        var digits = digitsOf(trimmed)
        if trimmed.hasPrefix("+") { return "+" + digits }
        if digits.hasPrefix("00") { return "+" + digits.dropFirst(2) }
        guard let code = callingCodes[country] else { return digits }
        if code == "1" {
            if digits.count == 11 && digits.hasPrefix("1") { return "+" + digits }
            return digits.count == 10 ? "+1" + digits : digits
        }
        if digits.hasPrefix("0") { digits.removeFirst() }  // national trunk prefix
        return digits.count >= 6 ? "+" + code + digits : digits
    }
}
