import BizflowEvents
import Foundation

/// What the scoring model knows of a lead: its fields as captured and its engagement since (conversions excluded:
/// they are the outcome), the same whether the scoring tier reads them from the lead's bytes and its state or
/// training reads them from the projections.
public struct LeadFeatures: Sendable, Equatable {
    public var companySize = 0
    public var industry = ""
    public var jobTitle = ""
    public var country = ""
    /// `LeadSource` value.
    public var source = 0
    public var budgetMinor: Int64 = 0
    /// `PurchaseTimeline` value.
    public var timeline = 0
    public var services = 0
    public var websiteVisits = 0
    public var contentDownloads = 0
    public var emailOpens = 0
    public var clicks = 0
    public var replies = 0
    public var meetings = 0
    public var consentGranted = false

    public init() {}

    static let industries = ["software", "finance", "healthcare", "manufacturing", "retail", "logistics"]
    static let countries = ["US", "GB", "DE", "CA", "NL", "SE", "FR"]
    /// Seniority from title words, most senior first (a fixed reading, independent of the rules' configuration).
    static let seniority: [[String]] = [
        ["chief", "ceo", "cto", "cfo", "coo", "cio", "founder", "owner", "president"],
        ["vp", "vice president", "head of", "director"],
        ["manager", "lead", "principal"],
        ["engineer", "analyst", "specialist", "consultant", "architect"],
    ]

    /// The names of `vector`'s entries, in order: what a model's weights line up with.
    public static let names: [String] =
        ["company_size_log", "budget_log", "services", "website_visits_log", "content_downloads_log", "email_opens_log",
         "clicks_log", "replies", "meetings", "consent"]
        + (industries + ["other"]).map { "industry_\($0)" }
        + ["c_level", "vp_director", "manager", "individual", "other"].map { "seniority_\($0)" }
        + (countries + ["other"]).map { "country_\($0.lowercased())" }
        + ["unspecified", "web_form", "referral", "event", "paid_ads", "chat", "partner", "organic_search", "outbound"]
            .map { "source_\($0)" }
        + ["unspecified", "immediate", "within_3_months", "within_6_months", "within_12_months", "exploring"]
            .map { "timeline_\($0)" }

    /// The features as numbers, in `names` order (counts on a log scale, categories one-hot).
    public var vector: [Double] {
        var values: [Double] = [
            log1p(Double(max(0, companySize))), log1p(Double(max(0, budgetMinor)) / 100), Double(services),
            log1p(Double(max(0, websiteVisits))), log1p(Double(max(0, contentDownloads))), log1p(Double(max(0, emailOpens))),
            log1p(Double(max(0, clicks))), Double(replies), Double(meetings), consentGranted ? 1 : 0,
        ]
        values += Self.oneHot(Self.industries.firstIndex(of: industry.lowercased()) ?? Self.industries.count, Self.industries.count + 1)
        let title = jobTitle.lowercased()
        values += Self.oneHot(Self.seniority.firstIndex { $0.contains { title.contains($0) } } ?? Self.seniority.count, Self.seniority.count + 1)
        values += Self.oneHot(Self.countries.firstIndex(of: country.uppercased()) ?? Self.countries.count, Self.countries.count + 1)
        values += Self.oneHot(min(max(source, 0), 8), 9)
        values += Self.oneHot(min(max(timeline, 0), 5), 6)
        return values
    }

    private static func oneHot(_ index: Int, _ count: Int) -> [Double] {
        (0..<count).map { $0 == index ? 1 : 0 }
    }
}
