import BizflowConfig
/// Weights, thresholds and rules of lead scoring (`Topology/scoring.yaml`).
public struct ScoringConfig: CheckedConfiguration, Codable, Sendable, Equatable {
    public struct Weights: Codable, Sendable, Equatable {
        public var demographic: Double
        public var firmographic: Double
        public var behavioural: Double
        public var engagement: Double
    }

    /// Minimum total per band; below `cold` (or disqualified by a rule) is disqualified.
    public struct Bands: Codable, Sendable, Equatable {
        public var hot: Int
        public var warm: Int
        public var cold: Int
    }

    /// Points for job titles containing any of the words.
    public struct TitleRule: Codable, Sendable, Equatable {
        public var match: [String]
        public var points: Int
    }

    public struct Threshold: Codable, Sendable, Equatable {
        public var min: Int64
        public var points: Int
    }

    public struct Demographic: Codable, Sendable, Equatable {
        public var titles: [TitleRule]
        /// Country tiers: ISO code → points; `default` for the rest.
        public var countries: [String: Int]
        public var defaultCountryPoints: Int

        enum CodingKeys: String, CodingKey {
            case titles, countries
            case defaultCountryPoints = "default_country_points"
        }
    }

    public struct Firmographic: Codable, Sendable, Equatable {
        public var companySize: [Threshold]
        public var industries: [String: Int]
        public var defaultIndustryPoints: Int
        /// Budget thresholds in minor currency units.
        public var budget: [Threshold]
        public var timeline: [String: Int]
        public var pointsPerService: Int
        public var maxServicePoints: Int

        enum CodingKeys: String, CodingKey {
            case industries, budget, timeline
            case companySize = "company_size"
            case defaultIndustryPoints = "default_industry_points"
            case pointsPerService = "points_per_service"
            case maxServicePoints = "max_service_points"
        }
    }

    public struct Behavioural: Codable, Sendable, Equatable {
        public var websiteVisit: Int
        public var maxWebsitePoints: Int
        public var contentDownload: Int
        public var maxDownloadPoints: Int

        enum CodingKeys: String, CodingKey {
            case websiteVisit = "website_visit"
            case maxWebsitePoints = "max_website_points"
            case contentDownload = "content_download"
            case maxDownloadPoints = "max_download_points"
        }
    }

    /// Points per engagement signal (email opens on the lead, and later engagement events).
    public struct Engagement: Codable, Sendable, Equatable {
        public var emailOpen: Int
        public var emailClick: Int
        public var reply: Int
        public var meetingBooked: Int

        enum CodingKeys: String, CodingKey {
            case emailOpen = "email_open"
            case emailClick = "email_click"
            case reply
            case meetingBooked = "meeting_booked"
        }
    }

    public struct Disqualify: Codable, Sendable, Equatable {
        public var disposableDomains: [String]
        public var competitorDomains: [String]
        /// When true, a lead without granted marketing consent is disqualified.
        public var requireConsent: Bool

        enum CodingKeys: String, CodingKey {
            case disposableDomains = "disposable_domains"
            case competitorDomains = "competitor_domains"
            case requireConsent = "require_consent"
        }
    }

    public var version: String
    public var weights: Weights
    public var bands: Bands
    public var demographic: Demographic
    public var firmographic: Firmographic
    public var behavioural: Behavioural
    public var engagement: Engagement
    public var disqualify: Disqualify
    /// How many reasons the scored event carries.
    public var topReasons: Int
    /// How published scoring models take part, per tenant (absent: the rules alone).
    public var models: Models?

    enum CodingKeys: String, CodingKey {
        case version, weights, bands, demographic, firmographic, behavioural, engagement, disqualify, models
        case topReasons = "top_reasons"
    }

    /// Loads and validates the file.
    public static func load(path: String) throws -> ScoringConfig {
        try ConfigFile.loadChecked(ScoringConfig.self, path: path)
    }

    /// What is inconsistent (empty when the configuration is usable).
    public func problems() -> [String] {
        var problems: [String] = []
        let w = weights
        if [w.demographic, w.firmographic, w.behavioural, w.engagement].contains(where: { $0 < 0 }) {
            problems.append("weights must not be negative")
        }
        if w.demographic + w.firmographic + w.behavioural + w.engagement <= 0 {
            problems.append("weights must add up to more than 0")
        }
        if !(bands.hot > bands.warm && bands.warm > bands.cold && bands.cold >= 0 && bands.hot <= 100) {
            problems.append("bands must satisfy 100 >= hot > warm > cold >= 0")
        }
        if topReasons < 1 { problems.append("top_reasons must be at least 1") }
        return problems + modelProblems()
    }
}
