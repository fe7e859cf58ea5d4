import BizflowEvents
import Foundation
import SwiftProtobuf

/// Captured leads as real forms send them, reproducible from an index: mixed-case and padded emails, phones in
/// national and international formats, country names as well as codes, optional budgets, several services, every
/// consent, and a few disposable, competitor and reserved domains. What the benchmarks drain and what the scoring
/// equivalence tests (Swift fast path, swift-protobuf path, the Python peer) compare.
public enum VariedLeads {
    static let first = ["Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Alan", "Frances", "José", "Zoë"]
    static let last = ["Lovelace", "Hopper", "Berg", "Liskov", "Thompson", "Hamilton", "Kay", "Allen", "Müller"]
    static let domains: [(String, Int)] = [
        ("corp.com", 30), ("Firm.IO", 10), ("biz.net", 20), ("shop.de", 15), ("works.co.uk", 15), ("mailinator.com", 3),
        ("rivalsoft.com", 1), ("example.test", 1), ("yopmail.com", 2),
    ]
    static let titles = [
        "CTO", "VP Engineering", "Head of Operations", "Director of IT", "Engineering Manager", "Data Analyst", "Founder",
        "Intern", "Chief Revenue Officer", "Principal Consultant", "software engineer", "", "Vice President, Sales",
    ]
    static let countries: [(String, Int)] = [
        ("US", 25), ("DE", 12), ("GB", 10), ("FR", 6), ("NL", 5), ("SE", 4), ("CA", 5), ("JP", 4), ("BR", 2),
        ("Germany", 4), ("United States", 4), ("uk", 3), ("usa", 2), (" France ", 2), ("de", 3), ("Narnia", 1), ("", 8),
    ]
    static let industries = [
        "software", "finance", "Healthcare", "manufacturing", " retail ", "logistics", "education", "", "SOFTWARE",
    ]
    static let services = ["onboarding", "integration", "support", "analytics", "training", "migration"]

    /// The lead at `index` (the same lead for the same index, in any process).
    public static func lead(_ index: Int, tenant: String = "acme") -> LeadCaptured {
        var random = SeededRandom(UInt64(index) &* 0x9E37_79B9 &+ 17)
        var lead = LeadCaptured()
        lead.leadID = "lead-\(index)"
        lead.tenantID = tenant
        lead.firstName = random.pick(first)
        lead.lastName = random.pick(last)
        let domain = random.weighted(domains)
        let local = "\(lead.firstName.lowercased()).\(index)"
        switch random.next() % 10 {
        case 0: lead.email = "  \(local)@\(domain) "
        case 1: lead.email = "\(local.uppercased())@\(domain.uppercased())"
        case 2: lead.email = ""  // phone only
        default: lead.email = "\(local)@\(domain)"
        }
        lead.country = random.weighted(countries)
        if lead.email.isEmpty || random.next() % 5 < 2 {
            lead.phone = random.pick(["(415) 555-\(1000 + index % 9000)", "+44 20 7946 \(1000 + index % 9000)",
                                      "030 \(1_000_000 + index % 9_000_000)", "0049 30 \(100_000 + index % 900_000)",
                                      "1-212-555-\(1000 + index % 9000)", "555 \(1000 + index % 9000)"])
        }
        lead.companyName = "Company \(index % 700)"
        lead.companySize = Int32(random.pick([0, 3, 25, 120, 600, 4_000, 12_000]))
        lead.industry = random.pick(industries)
        lead.jobTitle = random.pick(titles)
        lead.region = random.pick(["", "CA", "Bavaria", "London"])
        lead.city = random.pick(["", "Berlin", "San Francisco", "Lyon"])
        lead.source = LeadSource(rawValue: Int(random.next() % 9)) ?? .webForm
        if random.next() % 10 < 7 {
            lead.budget = Money.with {
                $0.amountMinor = Int64(random.pick([0, 99, 500_000, 2_500_000, 15_000_000, 120_000_000]))
                $0.currency = random.pick(["EUR", "USD", "GBP"])
            }
        }
        lead.timeline = PurchaseTimeline(rawValue: Int(random.next() % 6)) ?? .unspecified
        lead.serviceRequirements = (0..<Int(random.next() % 4)).map { _ in random.pick(services) }
        lead.websiteVisits = Int32(random.next() % 25)
        lead.emailOpens = Int32(random.next() % 8)
        lead.contentDownloads = Int32(random.next() % 5)
        lead.capturedAt = Google_Protobuf_Timestamp(seconds: 1_790_000_000 + Int64(index), nanos: Int32(index % 1000) * 1_000_000)
        lead.campaignID = random.pick(["spring-webinar", "ebook-roi", "", "", "partner-days"])
        lead.marketingConsent = random.weighted([(Consent.granted, 90), (.unspecified, 5), (.denied, 5)])
        return lead
    }
}
