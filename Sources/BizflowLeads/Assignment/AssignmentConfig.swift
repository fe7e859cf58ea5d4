import BizflowConfig
import BizflowEvents

/// Reps and the rules that choose an assignment strategy (`Topology/reps.yaml`).
public struct AssignmentConfig: CheckedConfiguration, Codable, Sendable, Equatable {
    /// Conditions on a scored lead; every given condition must hold (none: always).
    public struct Condition: Codable, Sendable, Equatable {
        public var bands: [String]?
        public var minScore: Int?
        public var maxScore: Int?
        public var sources: [String]?
        public var industries: [String]?
        public var countries: [String]?

        enum CodingKeys: String, CodingKey {
            case bands, sources, industries, countries
            case minScore = "min_score"
            case maxScore = "max_score"
        }

        public init(bands: [String]? = nil, minScore: Int? = nil, sources: [String]? = nil) {
            self.bands = bands
            self.minScore = minScore
            self.sources = sources
        }
    }

    /// "When the condition holds, use this strategy (and take these actions)."
    public struct Rule: Codable, Sendable, Equatable {
        public var name: String?
        public var when: Condition?
        public var strategy: AssignmentStrategy
        /// Extra actions: `notify_manager`.
        public var actions: [String]?

        public init(name: String? = nil, when: Condition? = nil, strategy: AssignmentStrategy, actions: [String]? = nil) {
            self.name = name
            self.when = when
            self.strategy = strategy
            self.actions = actions
        }
    }

    public struct HybridWeights: Codable, Sendable, Equatable {
        public var skill: Double
        public var territory: Double
        public var workload: Double
        public var performance: Double
    }

    public enum SLAAction: String, Codable, Sendable {
        case reassign
        case notifyManager = "notify_manager"
    }

    public var reps: [Rep]
    public var rules: [Rule]
    /// Tried when the rule's strategy finds nobody.
    public var fallback: AssignmentStrategy
    public var hybridWeights: HybridWeights
    /// Minutes a rep has to accept (reply, book a meeting or send an accept command).
    public var slaMinutes: Double
    public var onSLAMiss: SLAAction

    enum CodingKeys: String, CodingKey {
        case reps, rules, fallback
        case hybridWeights = "hybrid_weights"
        case slaMinutes = "sla_minutes"
        case onSLAMiss = "on_sla_miss"
    }

    public static func load(path: String) throws -> AssignmentConfig {
        try ConfigFile.loadChecked(AssignmentConfig.self, path: path)
    }

    public func problems() -> [String] {
        var problems: [String] = []
        if reps.isEmpty { problems.append("reps: at least one rep is needed") }
        var ids: Set<String> = []
        for rep in reps {
            if !ids.insert(rep.id).inserted { problems.append("reps: \(rep.id) is listed twice") }
            if rep.capacity < 1 { problems.append("reps: \(rep.id) needs a capacity of at least 1") }
            if !(0...1).contains(rep.conversionRate) { problems.append("reps: \(rep.id) conversion_rate must be 0…1") }
        }
        for (index, rule) in rules.enumerated() {
            for band in rule.when?.bands ?? [] where QualificationBand(name: band) == nil {
                problems.append("rules[\(index)]: unknown band \(band) (hot, warm, cold, disqualified)")
            }
            for action in rule.actions ?? [] where action != "notify_manager" {
                problems.append("rules[\(index)]: unknown action \(action) (notify_manager)")
            }
        }
        if slaMinutes <= 0 { problems.append("sla_minutes must be positive") }
        return problems
    }

    /// The first rule whose condition holds for the lead (the fallback strategy when none does).
    public func rule(for scored: LeadScored) -> Rule {
        rules.first { $0.when?.holds(for: scored) ?? true } ?? Rule(name: "default", strategy: fallback)
    }
}

extension AssignmentConfig.Condition {
    func holds(for scored: LeadScored) -> Bool {
        if let bands, !bands.contains(where: { QualificationBand(name: $0) == scored.band }) { return false }
        if let minScore, scored.total < minScore { return false }
        if let maxScore, scored.total > maxScore { return false }
        if let sources, !sources.contains(LeadSourceName.name(scored.lead.source)) { return false }
        if let industries, !industries.contains(scored.lead.industry) { return false }
        if let countries, !countries.contains(scored.lead.country) { return false }
        return true
    }
}

/// Lead sources as configuration names them.
enum LeadSourceName {
    static func name(_ source: LeadSource) -> String {
        switch source {
        case .webForm: return "web_form"
        case .referral: return "referral"
        case .event: return "event"
        case .paidAds: return "paid_ads"
        case .chat: return "chat"
        case .partner: return "partner"
        case .organicSearch: return "organic_search"
        case .outbound: return "outbound"
        default: return "unspecified"
        }
    }
}
