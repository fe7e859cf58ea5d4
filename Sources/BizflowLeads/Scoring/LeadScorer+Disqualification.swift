import BizflowEvents

extension LeadScorer {
    /// Why a lead is disqualified whatever it scores: the rule's factor and its detail.
    struct Disqualification {
        enum Detail {
            /// The email's domain (lower-cased when written).
            case domain(Range<Int>)
            case text(StaticString)
        }

        var factor: StaticString
        var detail: Detail
    }

    /// The rule that disqualifies the lead `lead` reads from `bytes`, if any.
    func disqualification(_ lead: LeadCapturedView, _ bytes: UnsafeRawBufferPointer) -> Disqualification? {
        if !lead.email.isEmpty {
            let email = lead.email
            let at = email.last { bytes[$0] == 64 }
            let domain = at.map { ($0 + 1)..<email.upperBound } ?? email.upperBound..<email.upperBound
            let ascii = lead.isASCII(LeadCapturedView.Field.email)
            // A non-ASCII domain (rare) is lower-cased by Unicode's rules, as a `String`.
            let unicode = ascii ? nil : Array(ASCIIText.lowercased(ASCIIText.string(bytes, domain)).utf8)
            func matches(_ entry: [UInt8]) -> Bool {
                unicode.map { $0 == entry } ?? ASCIIText.equalsFolded(bytes, domain, entry)
            }
            let reserved = unicode.map { LeadNormalizer.isReservedDomain(String(decoding: $0, as: UTF8.self)) }
                ?? Self.isReservedDomain(bytes, domain)
            if reserved { return Disqualification(factor: "invalid_email_domain", detail: .domain(domain)) }
            if disposableDomains.contains(where: matches) {
                return Disqualification(factor: "disposable_email", detail: .domain(domain))
            }
            if competitorDomains.contains(where: matches) { return Disqualification(factor: "competitor", detail: .domain(domain)) }
        }
        if lead.marketingConsent == Int32(Consent.denied.rawValue) {
            return Disqualification(factor: "consent_denied", detail: .text("the lead refused marketing contact"))
        }
        if config.disqualify.requireConsent && lead.marketingConsent != Int32(Consent.granted.rawValue) {
            return Disqualification(factor: "consent_missing", detail: .text("marketing consent was not given"))
        }
        return nil
    }

    /// `LeadNormalizer.isReservedDomain` on an ASCII domain's bytes, whatever their case.
    static func isReservedDomain(_ bytes: UnsafeRawBufferPointer, _ domain: Range<Int>) -> Bool {
        var end = domain.upperBound
        while end > domain.lowerBound && bytes[end - 1] == 46 { end -= 1 }  // trailing dots
        guard end > domain.lowerBound else { return true }
        var start = end
        while start > domain.lowerBound && bytes[start - 1] != 46 { start -= 1 }
        return reservedTLDBytes.contains { ASCIIText.equalsFolded(bytes, start..<end, $0) }
    }

    static let reservedTLDBytes = LeadNormalizer.reservedTLDs.map { Array($0.utf8) }

    /// Writes a disqualification's detail (field 4 of `ScoreReason`).
    func writeDisqualificationDetail(
        _ detail: Disqualification.Detail, _ lead: LeadCapturedView, _ bytes: UnsafeRawBufferPointer,
        to writer: inout WireWriter
    ) {
        switch detail {
        case .text(let text):
            writer.text(4, text)
        case .domain(let domain):
            writer.text(4) { text in
                if lead.isASCII(LeadCapturedView.Field.email) {
                    ASCIIText.appendCased(bytes, domain, to: &text.bytes)
                } else {
                    text.bytes += ASCIIText.lowercased(ASCIIText.string(bytes, domain)).utf8
                }
            }
        }
    }
}
