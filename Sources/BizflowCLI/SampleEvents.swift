import BizflowEvents
import SwiftProtobuf

/// Deterministic sample events for the demo (a seeded generator, so runs repeat).
struct SampleEvents {
    private var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    private mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }

    private mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

    mutating func leads(_ count: Int) -> [any DomainEvent] {
        let industries = ["software", "manufacturing", "healthcare", "finance", "retail", "logistics"]
        let titles = ["CTO", "VP Engineering", "Head of Operations", "Analyst", "Founder", "Procurement Manager"]
        let countries = ["US", "DE", "GB", "FR", "NL", "SE", "CA"]
        let sources: [LeadSource] = [.webForm, .referral, .event, .paidAds, .chat, .partner]
        return (0..<count).map { i in
            var lead = LeadCaptured()
            lead.leadID = "lead-\(1000 + i)"
            lead.tenantID = "acme"
            lead.firstName = pick(["Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret"])
            lead.lastName = pick(["Lovelace", "Hopper", "Torvalds", "Liskov", "Thompson", "Hamilton"])
            lead.email = "\(lead.firstName.lowercased()).\(i)@example.com"
            lead.companyName = "Company \(i)"
            lead.companySize = Int32(pick([5, 20, 80, 250, 1200, 8000]))
            lead.industry = pick(industries)
            lead.jobTitle = pick(titles)
            lead.country = pick(countries)
            lead.source = pick(sources)
            lead.budget = Money.with { $0.amountMinor = Int64(pick([0, 500_000, 2_500_000, 10_000_000])); $0.currency = "EUR" }
            lead.timeline = pick([.immediate, .within3Months, .within6Months, .exploring])
            lead.serviceRequirements = [pick(["onboarding", "integration", "support", "analytics"])]
            lead.websiteVisits = Int32(next() % 30)
            lead.emailOpens = Int32(next() % 12)
            lead.contentDownloads = Int32(next() % 5)
            lead.marketingConsent = next() % 25 == 0 ? .denied : .granted
            lead.capturedAt = Google_Protobuf_Timestamp(date: Date())
            return lead
        }
    }

    mutating func orders(_ count: Int) -> [any DomainEvent] {
        (0..<count).map { i in
            var order = OrderPlaced()
            order.orderID = "order-\(5000 + i)"
            order.tenantID = "acme"
            order.customerID = "customer-\(next() % 50)"
            order.customerEmail = "\(order.customerID)@example.com"
            order.currency = "EUR"
            order.items = (0..<Int(1 + next() % 3)).map { _ in
                OrderItem.with {
                    $0.sku = pick(["SKU-RED-MUG", "SKU-BLUE-TEE", "SKU-LAMP", "SKU-SCARCE-1"])
                    $0.quantity = Int32(1 + next() % 3)
                    $0.unitPrice = Int64(pick([1_299, 2_499, 4_999]))
                }
            }
            order.total = order.items.reduce(0) { $0 + Int64($1.quantity) * $1.unitPrice }
            let address = Address.with { $0.name = "Customer"; $0.line1 = "1 Main St"; $0.city = "Berlin"; $0.country = "DE" }
            order.shippingAddress = address
            order.billingAddress = address
            order.payment = Payment.with { $0.method = .card; $0.cardFingerprint = "fp-\(next() % 40)"; $0.ipAddress = "203.0.113.\(next() % 200)" }
            order.placedAt = Google_Protobuf_Timestamp(date: Date())
            order.serviceLevel = pick(["standard", "express"])
            return order
        }
    }
}
