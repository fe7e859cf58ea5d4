import BizflowConfig
import BizflowEvents
@testable import BizflowLeads
import Testing

@Suite("Scoring: normalisation, components, bands, disqualification")
struct ScoringTests {
    let scorer = LeadScorer(config: try! shippedScoring())

    @Test("emails are lower-cased and checked", arguments: [
        ("Ada@Example.COM", true), ("a.b+c@sub.domain.io", true), ("no-at-sign", false), ("two@@at.com", false),
        ("spaces in@x.com", false), ("dot@nodot", false), ("@empty.com", false), ("trailing@dot.", false),
        ("a@-bad.com", false),
    ])
    func emailValidation(email: String, valid: Bool) {
        #expect(LeadNormalizer.isWellFormedEmail(email.lowercased()) == valid)
        #expect(LeadValidator.problems(lead { $0.email = email }).isEmpty == valid)
    }

    @Test("the one-pass email check and the byte digit filter agree with the set-and-split versions they replaced")
    func fastChecksMatchReference() {
        func reference(_ email: String) -> Bool {
            let bytes = Array(email.utf8)
            guard bytes.count <= 254, let at = bytes.firstIndex(of: 64), at > 0, at <= 64,
                !bytes[(at + 1)...].contains(64)
            else { return false }
            let forbidden: Set<UInt8> = [32, 9, 10, 13, 44, 59, 60, 62]
            guard !bytes.contains(where: forbidden.contains) else { return false }
            let labels = bytes[(at + 1)...].split(separator: 46, omittingEmptySubsequences: false)
            return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty && $0.first != 45 && $0.last != 45 }
        }
        let pieces = ["a", "Z", "7", "@", ".", "-", " ", ",", ";", "<", "\t", "é", "٣", "½", "+", "(", "x.y", "@b.c"]
        var generator = SystemRandomNumberGenerator()
        var valid = 0
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...12, using: &generator)
            let text = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(LeadNormalizer.isWellFormedEmail(text) == reference(text), "\(text)")
            #expect(LeadNormalizer.digitsOf(text) == text.filter(\.isNumber), "\(text)")
            if reference(text) { valid += 1 }
        }
        #expect(valid > 100, "the random texts include well-formed addresses")
        let long = String(repeating: "a", count: 64) + "@" + String(repeating: "b", count: 186) + ".com"
        for email in [long, "b" + long, String(repeating: "a", count: 65) + "@x.com"] {
            #expect(LeadNormalizer.isWellFormedEmail(email) == reference(email))
        }
    }

    @Test("phones become E.164 where the country tells the calling code", arguments: [
        ("(415) 555-0100", "US", "+14155550100"), ("1-415-555-0100", "US", "+14155550100"),
        ("030 1234567", "DE", "+49301234567"), ("+44 20 7946 0958", "GB", "+442079460958"),
        ("0044 20 7946 0958", "FR", "+442079460958"), ("12345", "DE", "12345"), ("555 0100", "ZZ", "5550100"),
        ("", "US", ""),
    ])
    func phones(raw: String, country: String, expected: String) {
        #expect(LeadNormalizer.e164(raw, country: country) == expected)
    }

    @Test("country names and codes become ISO alpha-2", arguments: [
        ("United States", "US"), ("uk", "GB"), ("UK", "GB"), ("US", "US"), ("de", "DE"), (" Germany ", "DE"), ("", ""),
    ])
    func countries(raw: String, expected: String) {
        #expect(LeadNormalizer.country(raw) == expected)
    }

    @Test("bad values are validation problems, not scores")
    func badValues() {
        #expect(!LeadValidator.problems(lead { $0.email = ""; $0.phone = "" }).isEmpty)
        #expect(!LeadValidator.problems(lead { $0.companySize = -5 }).isEmpty)
        #expect(!LeadValidator.problems(lead { $0.websiteVisits = -1 }).isEmpty)
        #expect(!LeadValidator.problems(lead { $0.budget.amountMinor = -100 }).isEmpty)
        #expect(LeadValidator.problems(lead { $0.email = "" }).isEmpty, "a phone is enough")
        #expect(LeadValidator.problems(lead { $0.budget.currency = "EURO" }).map(\.field) == ["budget.currency"])
        #expect(LeadValidator.problems(lead { $0.country = String(repeating: "é", count: 57) }).map(\.field) == ["country"])
        #expect(LeadValidator.problems(lead { $0.country = String(repeating: "é", count: 56) }).isEmpty, "56 characters, 112 bytes")
        let all = LeadValidator.problems(lead { $0.email = "x"; $0.emailOpens = -1; $0.contentDownloads = -2 })
        #expect(all.map(\.field) == ["email", "email_opens", "content_downloads"], "every broken rule, with its field")
    }

    @Test("seniority points come from the first matching title rule", arguments: [
        ("Chief Revenue Officer", 60), ("VP Sales", 48), ("Head of IT", 48), ("Engineering Manager", 32),
        ("Data Analyst", 18), ("Intern", 0), ("", 0),
    ])
    func seniority(title: String, points: Int32) {
        let scored = scorer.score(lead { $0.jobTitle = title; $0.country = "" })
        #expect(scored.demographic == points)
    }

    @Test("company size takes the highest threshold reached", arguments: [
        (5000, 30), (1000, 30), (999, 24), (200, 24), (60, 16), (10, 8), (3, 3), (0, 0),
    ])
    func companySize(size: Int32, points: Int32) {
        let scored = scorer.score(
            lead {
                $0.companySize = size
                $0.industry = ""
                $0.clearBudget()
                $0.timeline = .unspecified
                $0.serviceRequirements = []
            })
        #expect(scored.firmographic == points)
    }

    @Test("components are capped at 100 and the total is their weighted mean")
    func totals() {
        let hot = scorer.score(lead { $0.websiteVisits = 500; $0.emailOpens = 100; $0.contentDownloads = 50 })
        #expect(hot.behavioural == 100)
        #expect(hot.engagement == 100)
        let c = try! shippedScoring().weights
        let expected = (Double(hot.demographic) * c.demographic + Double(hot.firmographic) * c.firmographic
            + Double(hot.behavioural) * c.behavioural + Double(hot.engagement) * c.engagement)
            / (c.demographic + c.firmographic + c.behavioural + c.engagement)
        #expect(hot.total == Int32(expected.rounded()))
        #expect(hot.band == .hot)
        #expect(hot.reasons.count == 5)
        #expect(hot.reasons.map(\.points) == hot.reasons.map(\.points).sorted(by: >))
    }

    @Test("later engagement raises the engagement component")
    func engagement() {
        var activity = LeadScorer.Activity()
        let before = scorer.score(lead())
        activity.replies = 1
        activity.clicks = 1
        let after = scorer.score(lead(), activity: activity)
        #expect(after.engagement == before.engagement + 45)
        #expect(after.total >= before.total)
    }

    @Test("bands follow the thresholds", arguments: [(95, QualificationBand.hot), (70, .hot), (69, .warm), (45, .warm), (44, .cold), (0, .cold)])
    func bands(total: Int, band: QualificationBand) {
        #expect(scorer.band(total) == band)
    }

    @Test("disqualification rules", arguments: [
        ("x@mailinator.com", Consent.granted, "disposable_email"), ("x@rivalsoft.com", .granted, "competitor"),
        ("x@example.test", .granted, "invalid_email_domain"), ("x@bigcorp.com", .unspecified, "consent_missing"),
        ("x@bigcorp.com", .denied, "consent_denied"),
    ])
    func disqualified(email: String, consent: Consent, factor: String) {
        let scored = scorer.score(lead { $0.email = email; $0.marketingConsent = consent })
        #expect(scored.band == .disqualified)
        #expect(scored.reasons.first?.factor == factor)
    }

    @Test("confidence is the share of filled-in fields")
    func confidence() {
        #expect(LeadScorer.confidence(lead()) == 1)
        #expect(LeadScorer.confidence(lead { $0.phone = ""; $0.industry = ""; $0.jobTitle = "" }) == 0.7)
        var bare = LeadCaptured()
        bare.email = "a@b.com"
        #expect(LeadScorer.confidence(bare) == 0.1)
    }

    @Test("reasons: the top factors with their details, for every kind of detail (pinned)")
    func reasonDetails() {
        var config = scorer.config
        config.topReasons = 20
        let all = LeadScorer(config: config)
        var activity = LeadScorer.Activity()
        (activity.opens, activity.clicks, activity.replies, activity.meetings, activity.visits, activity.downloads) =
            (1, 2, 1, 1, 5, 2)
        let scored = all.score(
            lead { $0.serviceRequirements = ["integration", "training"]; $0.emailOpens = 3 }, activity: activity)
        let rendered = scored.reasons.map { "\($0.component)/\($0.factor)/\($0.points)/\($0.detail)" }
        // Pinned from the scorer before it made details only for the reasons it keeps.
        #expect(
            rendered == [
                "behavioural/website_visits/60/15 visits", "demographic/seniority/60/CTO", "engagement/meetings/45/1 meetings",
                "demographic/country/40/US", "behavioural/content_downloads/40/4 downloads", "engagement/email_opens/32/4 opens",
                "engagement/replies/30/1 replies", "engagement/email_clicks/30/2 clicks",
                "firmographic/company_size/30/1500 employees", "firmographic/budget/28/100000 USD",
                "firmographic/industry/22/software", "firmographic/timeline/15/immediate",
                "firmographic/services/6/integration, training",
            ])
        #expect(scorer.score(lead()).reasons.count == scorer.config.topReasons)
    }

    @Test("reserved domains by their last label; lower-casing keeps strings that need none", arguments: [
        ("example", true), ("mail.example", true), ("corp.com", false), ("corp.test.", true), ("", true), ("...", true),
        ("a..invalid", true), ("localhost", true), ("test.com", false),
    ])
    func reservedDomains(domain: String, reserved: Bool) {
        #expect(LeadNormalizer.isReservedDomain(domain) == reserved)
        #expect(ASCIIText.lowercased(domain.uppercased()) == domain.lowercased())
        #expect(ASCIIText.uppercased(domain) == domain.uppercased())
    }

    @Test("normalising reports whether anything changed")
    func normalizingChanges() {
        #expect(!LeadNormalizer.normalizing(lead { $0.phone = "+14155550100" }).changed)
        let changed = LeadNormalizer.normalizing(lead { $0.email = " Ada@BigCorp.com" })
        #expect(changed.changed && changed.lead.email == "ada@bigcorp.com")
        #expect(LeadNormalizer.normalizing(lead { $0.country = "Germany" }).lead.country == "DE")
    }

    @Test("an inconsistent configuration is refused with the reason")
    func configProblems() throws {
        var config = try shippedScoring()
        config.bands.warm = 90
        #expect(config.problems().contains { $0.contains("hot > warm") })
        config = try shippedScoring()
        config.weights = .init(demographic: 0, firmographic: 0, behavioural: 0, engagement: 0)
        #expect(!config.problems().isEmpty)
        #expect(throws: ConfigError.self) {
            try ConfigFile.parse(ScoringConfig.self, "version: 1\nweights: {}\n", file: "scoring.yaml")
        }
    }
}
