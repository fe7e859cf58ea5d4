import BizflowConfig
import BizflowEvents
import Mustache

/// Nurture campaigns (`Topology/campaigns.yaml`): who enters, which steps, when they leave.
public struct CampaignConfig: CheckedConfiguration, Codable, Sendable {
    public enum Channel: String, Codable, Sendable {
        case email, sms, webhook
    }

    public struct Step: Codable, Sendable {
        public var channel: Channel
        public var template: String
        /// Minutes after the previous step (or the enrolment, for the first).
        public var delayMinutes: Double
        public var subject: String
        public var body: String

        enum CodingKeys: String, CodingKey {
            case channel, template, subject, body
            case delayMinutes = "delay_minutes"
        }
    }

    public struct Entry: Codable, Sendable {
        public var bands: [String]?
        public var sources: [String]?
        public var industries: [String]?
    }

    public struct Exit: Codable, Sendable {
        /// Engagement kinds that end the campaign: converted, unsubscribed, meeting_booked, reply…
        public var on: [String]
        /// A re-score below this ends it.
        public var scoreBelow: Int?

        enum CodingKeys: String, CodingKey {
            case on
            case scoreBelow = "score_below"
        }
    }

    public struct Campaign: Codable, Sendable {
        public var id: String
        /// welcome, educational, product_demo, case_study, trial, re_engagement
        public var type: String
        public var entry: Entry
        public var steps: [Step]
        public var exit: Exit
    }

    public var campaigns: [Campaign]

    static let types: Set<String> = ["welcome", "educational", "product_demo", "case_study", "trial", "re_engagement"]
    static let exitKinds: Set<String> = ["converted", "unsubscribed", "meeting_booked", "reply", "email_click"]

    public static func load(path: String) throws -> CampaignConfig {
        try ConfigFile.loadChecked(CampaignConfig.self, path: path)
    }

    public func problems() -> [String] {
        var problems: [String] = []
        var ids: Set<String> = []
        for campaign in campaigns {
            if !ids.insert(campaign.id).inserted { problems.append("campaign \(campaign.id) is listed twice") }
            if !Self.types.contains(campaign.type) {
                problems.append("campaign \(campaign.id): type must be one of \(Self.types.sorted().joined(separator: ", "))")
            }
            if campaign.steps.isEmpty { problems.append("campaign \(campaign.id) has no steps") }
            for (index, step) in campaign.steps.enumerated() {
                if step.delayMinutes < 0 { problems.append("campaign \(campaign.id) step \(index): delay_minutes must not be negative") }
                for text in [step.subject, step.body] where (try? MustacheTemplate(string: text)) == nil {
                    problems.append("campaign \(campaign.id) step \(index): the template does not parse")
                }
            }
            for band in campaign.entry.bands ?? [] where QualificationBand(name: band) == nil {
                problems.append("campaign \(campaign.id): unknown band \(band)")
            }
            for kind in campaign.exit.on where !Self.exitKinds.contains(kind) {
                problems.append("campaign \(campaign.id): unknown exit event \(kind)")
            }
        }
        return problems
    }

    /// The first campaign whose entry criteria the lead meets.
    public func campaign(for scored: LeadScored) -> Campaign? {
        campaigns.first { campaign in
            let entry = campaign.entry
            if let bands = entry.bands, !bands.contains(where: { QualificationBand(name: $0) == scored.band }) { return false }
            if let sources = entry.sources, !sources.contains(LeadSourceName.name(scored.lead.source)) { return false }
            if let industries = entry.industries, !industries.contains(scored.lead.industry) { return false }
            return true
        }
    }

    public func campaign(id: String) -> Campaign? { campaigns.first { $0.id == id } }
}
