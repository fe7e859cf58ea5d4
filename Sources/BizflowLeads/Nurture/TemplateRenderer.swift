import BizflowEvents
import Mustache

/// Personalises nurture messages: Mustache templates over the lead's fields.
public struct TemplateRenderer: Sendable {
    private var cache: [String: MustacheTemplate] = [:]

    public init(campaigns: CampaignConfig) {
        for campaign in campaigns.campaigns {
            for step in campaign.steps {
                for text in [step.subject, step.body] { cache[text] = try? MustacheTemplate(string: text) }
            }
        }
    }

    /// The fields a template can use.
    public static func fields(_ lead: LeadCaptured, repName: String, band: String, score: Int32) -> [String: String] {
        [
            "first_name": lead.firstName.isEmpty ? "there" : lead.firstName, "last_name": lead.lastName,
            "company": lead.companyName, "industry": lead.industry, "country": lead.country, "title": lead.jobTitle,
            "rep_name": repName, "band": band, "score": String(score),
        ]
    }

    public func render(_ text: String, _ fields: [String: String]) -> String {
        (cache[text] ?? (try? MustacheTemplate(string: text)))?.render(fields) ?? text
    }
}
