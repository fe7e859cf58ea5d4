import BizflowEvents

/// Pure lead scoring: component scores 0–100, a weighted total, a band, a confidence and the reasons. The rules run
/// on a lead's encoding (`LeadCapturedView`) with the configuration compiled into byte tables once, and write the
/// `LeadScored` encoding directly (`LeadScorer+Writing`); `score(_:activity:)` is the same rules for messages.
public struct LeadScorer: Sendable {
    public let config: ScoringConfig
    /// Title rules with their words lower-cased once, matched as bytes per event.
    let titleRules: [(words: [[UInt8]], points: Int)]
    /// Thresholds sorted once, highest first (not per event).
    let companySizeThresholds: [ScoringConfig.Threshold]
    let budgetThresholds: [ScoringConfig.Threshold]
    let countryPoints: [(code: [UInt8], points: Int)]
    let industryPoints: [(name: [UInt8], points: Int)]
    /// Points per `PurchaseTimeline` value, and its name in reasons.
    let timelinePoints: [Int]
    let disposableDomains: [[UInt8]]
    let competitorDomains: [[UInt8]]
    let version: [UInt8]

    public init(config: ScoringConfig) {
        self.config = config
        titleRules = config.demographic.titles.map { rule in (rule.match.map { Array($0.lowercased().utf8) }, rule.points) }
        companySizeThresholds = config.firmographic.companySize.sorted { $0.min > $1.min }
        budgetThresholds = config.firmographic.budget.sorted { $0.min > $1.min }
        countryPoints = config.demographic.countries.map { (Array($0.key.utf8), $0.value) }
        industryPoints = config.firmographic.industries.map { (Array($0.key.utf8), $0.value) }
        timelinePoints = Self.timelineNames.map { config.firmographic.timeline[String(decoding: $0, as: UTF8.self)] ?? 0 }
        disposableDomains = config.disqualify.disposableDomains.map { Array($0.utf8) }
        competitorDomains = config.disqualify.competitorDomains.map { Array($0.utf8) }
        version = Array(config.version.utf8)
    }

    /// Engagement seen after capture (from `leads.engagement`).
    public struct Activity: Codable, Sendable, Equatable {
        public var opens = 0
        public var clicks = 0
        public var replies = 0
        public var meetings = 0
        public var visits = 0
        public var downloads = 0

        public init() {}
    }

    /// The scores of a lead as given (normalise it first), with the lead in `lead`.
    public func score(_ lead: LeadCaptured, activity: Activity = Activity()) -> LeadScored {
        let bytes: [UInt8] = (try? lead.serializedBytes()) ?? []
        let written = bytes.withUnsafeBytes { raw -> [UInt8] in
            // A lead swift-protobuf encoded is always readable in place.
            guard let view = LeadCapturedView(raw) else { return [] }
            var writer = WireWriter()
            write(view, raw, activity: activity, override: nil, scoredAt: nil, to: &writer)
            writer.bytes(LeadScored.leadField, raw)
            return writer.bytes
        }
        return (try? LeadScored(serializedBytes: written)) ?? LeadScored()
    }

    /// The band of a total.
    public func band(_ total: Int) -> QualificationBand {
        if total >= config.bands.hot { return .hot }
        if total >= config.bands.warm { return .warm }
        if total >= config.bands.cold { return .cold }
        return .disqualified
    }

    /// The share of the fields scoring uses that are filled in (0…1).
    public static func confidence(_ lead: LeadCaptured) -> Double {
        let bytes: [UInt8] = (try? lead.serializedBytes()) ?? []
        return bytes.withUnsafeBytes { raw in LeadCapturedView(raw).map(confidence) ?? 0 }
    }

    static func confidence(_ lead: LeadCapturedView) -> Double {
        let present = [
            !lead.email.isEmpty, !lead.phone.isEmpty, !lead.firstName.isEmpty || !lead.lastName.isEmpty,
            !lead.companyName.isEmpty, lead.companySize > 0, !lead.industry.isEmpty, !lead.jobTitle.isEmpty,
            !lead.country.isEmpty, lead.budget != nil && lead.budgetAmountMinor > 0, lead.timeline != 0,
        ]
        var count = 0
        for filled in present where filled { count += 1 }
        return (Double(count) / Double(present.count) * 100).rounded() / 100
    }

    /// `PurchaseTimeline` names by value, as the configuration and the reasons name them.
    static let timelineNames: [[UInt8]] = [
        "unspecified", "immediate", "within_3_months", "within_6_months", "within_12_months", "exploring",
    ].map { Array($0.utf8) }

    static func timelineName(_ value: Int32) -> [UInt8] {
        timelineNames.indices.contains(Int(value)) ? timelineNames[Int(value)] : timelineNames[0]
    }

    func points(_ value: Int64, _ thresholds: [ScoringConfig.Threshold]) -> Int {
        thresholds.first { value >= $0.min }?.points ?? 0  // sorted highest first at init
    }

    func clamp(_ value: Int) -> Int { min(100, max(0, value)) }
}
