import BizflowEvents

/// The rules a captured lead must meet to be processed at all, in one place: the gateway refuses a lead that breaks
/// them (422, naming the fields) and the scoring tier dead-letters one that reaches Kafka another way, so whatever the
/// gateway accepts, scoring accepts. They run on the lead's encoding, as the tier reads it.
public enum LeadValidator {
    /// A broken rule: the field and a sentence that names it.
    public struct Problem: Equatable, Sendable {
        public var field: String
        public var message: String
    }

    /// The longest country a lead may name (the longest country name in use is 56 characters).
    static let maxCountryCharacters = 56

    /// Every rule `lead` breaks (empty: it can be processed).
    public static func problems(_ lead: LeadCaptured) -> [Problem] {
        guard let bytes: [UInt8] = try? lead.serializedBytes() else { return [Problem(field: "", message: "the lead cannot be encoded")] }
        return bytes.withUnsafeBytes { raw in
            LeadCapturedView(raw).map { problems(raw, $0) } ?? [Problem(field: "", message: "the lead cannot be read")]
        }
    }

    /// Every rule the lead `view` reads from `bytes` breaks.
    static func problems(_ bytes: UnsafeRawBufferPointer, _ view: LeadCapturedView) -> [Problem] {
        var problems: [Problem] = []
        func add(_ field: String, _ message: String) { problems.append(Problem(field: field, message: message)) }
        let email = ASCIIText.trimmed(bytes, view.email)
        if email.isEmpty && view.phone.isEmpty { add("email", "email or phone is required") }
        let address = UnsafeRawBufferPointer(rebasing: bytes[email]).assumingMemoryBound(to: UInt8.self)
        if !email.isEmpty && !LeadNormalizer.isWellFormedEmail(address) { add("email", "email is not a well-formed address") }
        for (field, value) in [
            ("company_size", view.companySize), ("website_visits", view.websiteVisits), ("email_opens", view.emailOpens),
            ("content_downloads", view.contentDownloads),
        ] where value < 0 {
            add(field, "\(field) must not be negative")
        }
        if view.budget != nil {
            if view.budgetAmountMinor < 0 { add("budget.amount_minor", "budget.amount_minor must not be negative") }
            if !Currencies.iso4217.contains(ASCIIText.string(bytes, view.budgetCurrency)) {
                add("budget.currency", "budget.currency must be an ISO 4217 code such as EUR")
            }
        }
        let country = view.country
        let characters = view.isASCII(LeadCapturedView.Field.country) ? country.count : ASCIIText.string(bytes, country).count
        if characters > maxCountryCharacters { add("country", "country must be at most \(maxCountryCharacters) characters") }
        return problems
    }
}
