import BizflowEvents
@testable import BizflowLeads

/// The scorer as it was before it ran on bytes (swift-protobuf messages, `String` rules), kept as the reference the
/// bytes path must equal.
struct ReferenceScorer {
    let config: ScoringConfig
    /// Title rules with their words lower-cased once, matched as bytes per event.
    private let titleRules: [(words: [[UInt8]], points: Int)]
    /// Thresholds sorted once, highest first (not per event).
    private let companySizeThresholds: [ScoringConfig.Threshold]
    private let budgetThresholds: [ScoringConfig.Threshold]

    init(config: ScoringConfig) {
        self.config = config
        titleRules = config.demographic.titles.map { rule in (rule.match.map { Array($0.lowercased().utf8) }, rule.points) }
        companySizeThresholds = config.firmographic.companySize.sorted { $0.min > $1.min }
        budgetThresholds = config.firmographic.budget.sorted { $0.min > $1.min }
    }

    /// A factor's contribution before the top ones are chosen: its detail text is only made for those kept.
    private struct Candidate {
        var component: String
        var factor: String
        var points: Int
        var detail: Detail
    }

    private enum Detail {
        case text(String)
        case count(Int, String)
        case budget(Money)
        case services([String])

        var text: String {
            switch self {
            case .text(let text): text
            case .count(let count, let unit): "\(count) \(unit)"
            case .budget(let money): "\(money.amountMinor / 100) \(money.currency)"
            case .services(let services): services.joined(separator: ", ")
            }
        }
    }

    typealias Activity = LeadScorer.Activity

    /// The scores of a normalised lead, without envelope fields.
    func score(_ lead: LeadCaptured, activity: Activity = Activity()) -> LeadScored {
        var reasons: [Candidate] = []
        reasons.reserveCapacity(12)
        func reason(_ component: String, _ factor: String, _ points: Int, _ detail: Detail) {
            guard points != 0 else { return }
            reasons.append(Candidate(component: component, factor: factor, points: points, detail: detail))
        }

        // Demographic: seniority from the title, country tier.
        let title = Array(ASCIIText.lowercased(lead.jobTitle).utf8)
        let titlePoints = titleRules.first { rule in rule.words.contains { ASCIIText.contains(title, $0) } }?.points ?? 0
        reason("demographic", "seniority", titlePoints, .text(lead.jobTitle))
        let countryPoints = lead.country.isEmpty ? 0 : config.demographic.countries[lead.country]
            ?? config.demographic.defaultCountryPoints
        reason("demographic", "country", countryPoints, .text(lead.country))
        let demographic = clamp(titlePoints + countryPoints)

        // Firmographic: size, industry, budget, timeline, service needs.
        let f = config.firmographic
        let sizePoints = points(Int64(lead.companySize), companySizeThresholds)
        reason("firmographic", "company_size", sizePoints, .count(Int(lead.companySize), "employees"))
        let industryPoints = lead.industry.isEmpty ? 0 : f.industries[lead.industry] ?? f.defaultIndustryPoints
        reason("firmographic", "industry", industryPoints, .text(lead.industry))
        let budgetPoints = lead.hasBudget ? points(lead.budget.amountMinor, budgetThresholds) : 0
        reason("firmographic", "budget", budgetPoints, lead.hasBudget ? .budget(lead.budget) : .text(""))
        let timelineName = Self.timelineName(lead.timeline)
        let timelinePoints = f.timeline[timelineName] ?? 0
        reason("firmographic", "timeline", timelinePoints, .text(timelineName))
        let servicePoints = min(f.maxServicePoints, f.pointsPerService * lead.serviceRequirements.count)
        reason("firmographic", "services", servicePoints, .services(lead.serviceRequirements))
        let firmographic = clamp(sizePoints + industryPoints + budgetPoints + timelinePoints + servicePoints)

        // Behavioural: site visits and downloads, captured and later.
        let b = config.behavioural
        let visits = Int(lead.websiteVisits) + activity.visits
        let downloads = Int(lead.contentDownloads) + activity.downloads
        let visitPoints = min(b.maxWebsitePoints, visits * b.websiteVisit)
        let downloadPoints = min(b.maxDownloadPoints, downloads * b.contentDownload)
        reason("behavioural", "website_visits", visitPoints, .count(visits, "visits"))
        reason("behavioural", "content_downloads", downloadPoints, .count(downloads, "downloads"))
        let behavioural = clamp(visitPoints + downloadPoints)

        // Engagement: opens, clicks, replies, meetings.
        let e = config.engagement
        let opens = Int(lead.emailOpens) + activity.opens
        reason("engagement", "email_opens", opens * e.emailOpen, .count(opens, "opens"))
        reason("engagement", "email_clicks", activity.clicks * e.emailClick, .count(activity.clicks, "clicks"))
        reason("engagement", "replies", activity.replies * e.reply, .count(activity.replies, "replies"))
        reason("engagement", "meetings", activity.meetings * e.meetingBooked, .count(activity.meetings, "meetings"))
        let engagement = clamp(
            opens * e.emailOpen + activity.clicks * e.emailClick + activity.replies * e.reply
                + activity.meetings * e.meetingBooked)

        let w = config.weights
        let weightSum = w.demographic + w.firmographic + w.behavioural + w.engagement
        let weighted =
            (Double(demographic) * w.demographic + Double(firmographic) * w.firmographic
                + Double(behavioural) * w.behavioural + Double(engagement) * w.engagement) / weightSum
        let total = clamp(Int(weighted.rounded()))

        var scored = LeadScored()
        scored.leadID = lead.leadID
        scored.tenantID = lead.tenantID
        scored.demographic = Int32(demographic)
        scored.firmographic = Int32(firmographic)
        scored.behavioural = Int32(behavioural)
        scored.engagement = Int32(engagement)
        scored.total = Int32(total)
        scored.confidence = Self.confidence(lead)
        scored.scoringVersion = config.version
        scored.lead = lead
        if let disqualified = disqualification(lead) {
            scored.band = .disqualified
            scored.reasons = [ScoreReason.with {
                $0.component = "disqualification"
                $0.factor = disqualified.factor
                $0.points = 0
                $0.detail = disqualified.detail
            }]
        } else {
            scored.band = band(total)
            scored.reasons = reasons.sorted { ($0.points, $0.factor) > ($1.points, $1.factor) }.prefix(config.topReasons).map {
                candidate in
                ScoreReason.with {
                    $0.component = candidate.component
                    $0.factor = candidate.factor
                    $0.points = Int32(candidate.points)
                    $0.detail = candidate.detail.text
                }
            }
        }
        return scored
    }

    /// The band of a total.
    func band(_ total: Int) -> QualificationBand {
        if total >= config.bands.hot { return .hot }
        if total >= config.bands.warm { return .warm }
        if total >= config.bands.cold { return .cold }
        return .disqualified
    }

    /// The rule that disqualifies a lead, if any.
    func disqualification(_ lead: LeadCaptured) -> (factor: String, detail: String)? {
        let domain = Self.domain(of: lead.email)
        if !lead.email.isEmpty {
            if LeadNormalizer.isReservedDomain(domain) { return ("invalid_email_domain", domain) }
            if config.disqualify.disposableDomains.contains(domain) { return ("disposable_email", domain) }
            if config.disqualify.competitorDomains.contains(domain) { return ("competitor", domain) }
        }
        if lead.marketingConsent == .denied { return ("consent_denied", "the lead refused marketing contact") }
        if config.disqualify.requireConsent && lead.marketingConsent != .granted {
            return ("consent_missing", "marketing consent was not given")
        }
        return nil
    }

    /// The share of the fields scoring uses that are filled in (0…1).
    static func confidence(_ lead: LeadCaptured) -> Double {
        let present = [
            !lead.email.isEmpty, !lead.phone.isEmpty, !lead.firstName.isEmpty || !lead.lastName.isEmpty,
            !lead.companyName.isEmpty, lead.companySize > 0, !lead.industry.isEmpty, !lead.jobTitle.isEmpty,
            !lead.country.isEmpty, lead.hasBudget && lead.budget.amountMinor > 0, lead.timeline != .unspecified,
        ]
        return (Double(present.reduce(0) { $0 + ($1 ? 1 : 0) }) / Double(present.count) * 100).rounded() / 100
    }

    static func timelineName(_ timeline: PurchaseTimeline) -> String {
        switch timeline {
        case .immediate: return "immediate"
        case .within3Months: return "within_3_months"
        case .within6Months: return "within_6_months"
        case .within12Months: return "within_12_months"
        case .exploring: return "exploring"
        default: return "unspecified"
        }
    }

    private func points(_ value: Int64, _ thresholds: [ScoringConfig.Threshold]) -> Int {
        thresholds.first { value >= $0.min }?.points ?? 0  // sorted highest first at init
    }

    private func clamp(_ value: Int) -> Int { min(100, max(0, value)) }

    static func domain(of email: String) -> String {
        guard let at = email.utf8.lastIndex(of: 64) else { return "" }
        return ASCIIText.lowercased(String(email[email.utf8.index(after: at)...]))
    }

    /// The normalisation rules on `String`s, field by field, as before they ran on bytes.
    static func normalizing(_ lead: LeadCaptured) -> (lead: LeadCaptured, changed: Bool) {
        var lead = lead
        var changed = false
        func update(_ field: WritableKeyPath<LeadCaptured, String>, _ value: String) {
            guard lead[keyPath: field] != value else { return }
            lead[keyPath: field] = value
            changed = true
        }
        update(\.email, ASCIIText.lowercased(ASCIIText.trimmed(lead.email)))
        update(\.country, LeadNormalizer.country(lead.country))
        update(\.phone, LeadNormalizer.e164(lead.phone, country: lead.country))
        update(\.industry, ASCIIText.lowercased(ASCIIText.trimmed(lead.industry)))
        return (lead, changed)
    }
}
