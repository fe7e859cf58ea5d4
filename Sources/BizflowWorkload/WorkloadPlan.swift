import BizflowEvents
import Foundation
import SwiftProtobuf

/// A synthetic workload that looks like a business, reproducible from its seed: leads from several sources and
/// industries, engagement, orders with fraud patterns, a scarce SKU, restocks, cancellations and returns — and what
/// each order must end as, so a run can be checked against it.
public struct WorkloadPlan: Sendable {
    /// What happens to an order around the pipeline (people and carriers play their part through `WorkloadDriver`).
    public enum OrderGroup: String, Sendable, CaseIterable {
        case normal, returning, rejected, reviewApprove, reviewReject, reviewWait, velocity, scarce, cancelEarly, cancelReserved
    }

    public static let tenant = "acme"
    public static let scarceSKU = "SKU-GPU-LIMITED"
    public static let catalog = ["SKU-KEYBOARD", "SKU-MOUSE", "SKU-HEADSET", "SKU-DOCK", "SKU-MONITOR"]

    public let seed: UInt64
    public private(set) var leads: [LeadCaptured] = []
    public private(set) var engagements: [LeadEngagement] = []
    public private(set) var orders: [OrderPlaced] = []
    public private(set) var group: [String: OrderGroup] = [:]
    /// Initial stock per (SKU, warehouse).
    public private(set) var stock: [StockAdjusted] = []
    /// Units of the scarce SKU at first, and restocked once every scarce order has its first answer.
    public let scarceStock: Int64
    public let restock: Int64

    public let options: Options
    /// With `.buyersFromLeads`: conversions to send through the gateway (`LeadConverted`, naming the customer id of an
    /// order). The other converted leads with an order are linked by their email alone.
    public private(set) var conversions: [LeadConverted] = []

    public var engagementFollowsMessages: Bool { options.contains(.engagementFollowsMessages) }

    public init(leads leadCount: Int, orders orderCount: Int, seed: UInt64, options: Options = []) {
        self.options = options
        self.seed = seed
        var random = SeededRandom(seed)
        let now = Date()
        // Leads: sources and industries weighted like a B2B funnel; a few bad actors.
        let sources: [(LeadSource, Int)] = [(.webForm, 35), (.paidAds, 20), (.referral, 12), (.event, 10), (.organicSearch, 15), (.partner, 8)]
        let industries: [(String, Int)] = [("software", 30), ("finance", 15), ("healthcare", 12), ("manufacturing", 15), ("retail", 18), ("logistics", 10)]
        let titles: [(String, Int)] = [("CTO", 8), ("VP Engineering", 10), ("Head of Operations", 12), ("Director of IT", 10),
                                       ("Engineering Manager", 20), ("Analyst", 25), ("Founder", 5), ("Intern", 10)]
        let countries: [(String, Int)] = [("US", 35), ("DE", 15), ("GB", 15), ("FR", 8), ("NL", 7), ("SE", 6), ("CA", 8), ("JP", 6)]
        let campaigns = ["spring-webinar", "ebook-roi", "", "", "partner-days"]
        for i in 0..<leadCount {
            var lead = LeadCaptured()
            lead.leadID = String(format: "lead-%05d", i)
            lead.tenantID = Self.tenant
            lead.firstName = random.pick(["Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Alan", "Frances"])
            lead.lastName = random.pick(["Lovelace", "Hopper", "Berg", "Liskov", "Thompson", "Hamilton", "Kay", "Allen"])
            let domain = random.next() % 40 == 0 ? "mailinator.com" : random.pick(["corp.com", "firm.io", "biz.net", "shop.de", "works.co"])
            lead.email = "\(lead.firstName.lowercased()).\(i)@\(domain)"
            lead.companyName = "Company \(i % 700)"
            lead.companySize = Int32(random.weighted([(5, 15), (25, 25), (120, 25), (600, 20), (4_000, 15)]))
            lead.industry = random.weighted(industries)
            lead.jobTitle = random.weighted(titles)
            lead.country = random.weighted(countries)
            lead.source = random.weighted(sources)
            lead.campaignID = random.pick(campaigns)
            lead.budget = Money.with {
                $0.amountMinor = Int64(random.weighted([(0, 30), (500_000, 30), (2_500_000, 25), (15_000_000, 15)]))
                $0.currency = "EUR"
            }
            lead.timeline = random.weighted([(.immediate, 15), (.within3Months, 30), (.within6Months, 20), (.exploring, 35)])
            lead.serviceRequirements = [random.pick(["onboarding", "integration", "support", "analytics"])]
            lead.websiteVisits = Int32(random.next() % 25)
            lead.emailOpens = Int32(random.next() % 8)
            lead.contentDownloads = Int32(random.next() % 4)
            lead.marketingConsent = random.next() % 30 == 0 ? .denied : .granted
            lead.capturedAt = Google_Protobuf_Timestamp(date: now.addingTimeInterval(-Double(random.next() % 86_400)))
            leads.append(lead)
            // Engagement: most leads open something, fewer click or reply, some convert, a few unsubscribe.
            for (kind, permille) in [(EngagementKind.emailOpen, 450), (.emailClick, 220), (.websiteVisit, 300), (.reply, 90),
                                     (.meetingBooked, 50), (.converted, 60), (.unsubscribed, 20)]
            where random.next() % 1_000 < UInt64(permille) && !(options.contains(.engagementFollowsMessages) && Self.answersMessages(kind))
                && !(options.contains(.groundTruth) && kind == .converted)
            {
                engagements.append(LeadEngagement.with {
                    $0.engagementID = "eng-\(i)-\(kind.rawValue)"
                    $0.leadID = lead.leadID
                    $0.tenantID = Self.tenant
                    $0.kind = kind
                    $0.campaignID = lead.campaignID
                    $0.occurredAt = Google_Protobuf_Timestamp(date: now)
                })
            }
        }

        // Orders: a mix whose outcomes are known.
        let scarceOrders = max(4, orderCount / 12)
        scarceStock = Int64(scarceOrders / 2)
        restock = Int64(scarceOrders / 4)
        var kinds: [OrderGroup] = []
        func add(_ kind: OrderGroup, _ share: Double, atLeast: Int = 1) {
            kinds += Array(repeating: kind, count: max(atLeast, Int(Double(orderCount) * share)))
        }
        add(.rejected, 0.04)
        add(.reviewApprove, 0.03)
        add(.reviewReject, 0.02)
        add(.reviewWait, 0.01)
        kinds += Array(repeating: .velocity, count: orderCount >= 60 ? 8 : 0)
        kinds += Array(repeating: .scarce, count: scarceOrders)
        add(.cancelEarly, 0.03)
        add(.cancelReserved, 0.03)
        add(.returning, 0.05)
        kinds = Array(kinds.prefix(orderCount))
        kinds += Array(repeating: .normal, count: max(0, orderCount - kinds.count))
        random.shuffle(&kinds)
        let placedAt = Google_Protobuf_Timestamp(date: now)
        for (index, kind) in kinds.enumerated() {
            let id = String(format: "order-%05d", index)
            group[id] = kind
            var order = OrderPlaced()
            order.orderID = id
            order.tenantID = Self.tenant
            order.customerID = "customer-\(index)"
            order.customerEmail = "buyer.\(index)@\(random.pick(["mail.com", "post.de", "inbox.co.uk"]))"
            order.currency = "EUR"
            let first = Self.catalog[index % Self.catalog.count]
            let second = Self.catalog[(index + 2) % Self.catalog.count]
            order.items = [
                OrderItem.with { $0.sku = first; $0.quantity = Int32(1 + random.next() % 2); $0.unitPrice = Int64(random.pick([1_999, 4_999, 12_900])) },
                OrderItem.with { $0.sku = second; $0.quantity = 1; $0.unitPrice = Int64(random.pick([990, 2_490])) },
            ]
            let country = random.weighted([("DE", 50), ("FR", 15), ("NL", 10), ("US", 15), ("GB", 10)])
            order.shippingAddress = Address.with { $0.name = "Customer \(index)"; $0.line1 = "\(index) Main Street"; $0.city = "Town"; $0.country = country }
            order.billingAddress = order.shippingAddress
            order.payment = Payment.with { $0.method = .card; $0.cardFingerprint = "card-\(index)"; $0.ipAddress = "198.51.100.\(index % 250)" }
            order.placedAt = placedAt
            order.serviceLevel = random.weighted([("standard", 80), ("express", 20)])
            switch kind {
            case .rejected:
                order.customerEmail = "\(id)@yopmail.com"
                order.shippingAddress.country = "KP"
            case .reviewApprove, .reviewReject, .reviewWait:
                order.customerEmail = "\(id)@mailinator.com"
            case .velocity:
                order.payment.cardFingerprint = "card-burst"
                order.billingAddress.country = order.shippingAddress.country == "FR" ? "DE" : "FR"
            case .scarce:
                order.items = [OrderItem.with { $0.sku = Self.scarceSKU; $0.quantity = 1; $0.unitPrice = 49_000 }]
                if index % 2 == 0 { order.items.append(OrderItem.with { $0.sku = "SKU-KEYBOARD"; $0.quantity = 1; $0.unitPrice = 4_900 }) }
            default:
                break
            }
            order.total = order.items.reduce(0) { $0 + Int64($1.quantity) * $1.unitPrice }
            orders.append(order)
        }
        if options.contains(.groundTruth) { convertByGroundTruth(&random, at: now) }
        if options.contains(.buyersFromLeads) { linkBuyers() }
        for sku in Self.catalog {
            for warehouse in ["wh-berlin", "wh-newark", "wh-leeds"] {
                stock.append(Self.adjustment(sku, warehouse, Int64(max(200, orderCount * 2)), id: "initial-\(sku)-\(warehouse)"))
            }
        }
        stock.append(Self.adjustment(Self.scarceSKU, "wh-newark", scarceStock, id: "initial-\(Self.scarceSKU)"))
    }

    public static func adjustment(_ sku: String, _ warehouse: String, _ delta: Int64, id: String, reason: AdjustmentReason = .initial)
        -> StockAdjusted
    {
        StockAdjusted.with {
            $0.adjustmentID = id
            $0.tenantID = tenant
            $0.sku = sku
            $0.warehouseID = warehouse
            $0.delta = delta
            $0.reason = reason
        }
    }

    /// Conversions drawn from the hidden ground truth of each lead's features.
    private mutating func convertByGroundTruth(_ random: inout SeededRandom, at now: Date) {
        for lead in leads where Double(random.next() % 1_000_000) / 1_000_000 < GroundTruth.conversionProbability(lead) {
            engagements.append(LeadEngagement.with {
                $0.engagementID = "eng-\(lead.leadID)-\(EngagementKind.converted.rawValue)"
                $0.leadID = lead.leadID
                $0.tenantID = Self.tenant
                $0.kind = .converted
                $0.campaignID = lead.campaignID
                $0.occurredAt = Google_Protobuf_Timestamp(date: now)
            })
        }
    }

    /// Gives normal orders to converted leads (not those with disposable addresses, which fraud rules would flag): the
    /// order's customer email becomes the lead's, and every other such lead converts through the gateway too, naming
    /// the order's customer id.
    private mutating func linkBuyers() {
        let converted = Set(engagements.filter { $0.kind == .converted }.map(\.leadID))
        let buyers = leads.filter { converted.contains($0.leadID) && !$0.email.hasSuffix("@mailinator.com") }
        let normal = orders.indices.filter { group[orders[$0].orderID] == .normal }
        for (number, (lead, index)) in zip(buyers, normal).enumerated() {
            orders[index].customerEmail = lead.email
            guard number % 2 == 0 else { continue }
            conversions.append(LeadConverted.with {
                $0.leadID = lead.leadID
                $0.tenantID = Self.tenant
                $0.customerID = orders[index].customerID
                $0.actor = "sales@acme"
            })
        }
    }

    /// The kinds of engagement that answer a message (with `engagementFollowsMessages`, played per delivered message).
    static func answersMessages(_ kind: EngagementKind) -> Bool { kind == .emailOpen || kind == .emailClick || kind == .reply }

    /// How often a delivered message is opened, and how often an opened one is clicked or replied to (per mille).
    public static let messageRates = (open: 450, clickOfOpened: 450, replyOfOpened: 200)

    /// What the lead does with a delivered nurture message, the same for the same seed and message: opens 45 % of
    /// them, and of those it opens clicks 45 % and replies to 20 %. Each engagement names the message.
    public func engagements(after delivery: NurtureDelivery) -> [LeadEngagement] {
        guard delivery.status == .delivered else { return [] }
        var random = SeededRandom(seed ^ delivery.messageID.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 })
        let rates = Self.messageRates
        guard random.next() % 1_000 < UInt64(rates.open) else { return [] }
        var kinds: [EngagementKind] = [.emailOpen]
        if random.next() % 1_000 < UInt64(rates.clickOfOpened) { kinds.append(.emailClick) }
        if random.next() % 1_000 < UInt64(rates.replyOfOpened) { kinds.append(.reply) }
        return kinds.map { kind in
            LeadEngagement.with {
                $0.engagementID = "eng-\(delivery.messageID)-\(kind.rawValue)"
                $0.leadID = delivery.leadID
                $0.tenantID = delivery.tenantID
                $0.kind = kind
                $0.campaignID = delivery.campaignID
                $0.messageID = delivery.messageID
                $0.occurredAt = Google_Protobuf_Timestamp(date: Date())
            }
        }
    }

    public func ids(_ kind: OrderGroup) -> [String] { group.filter { $0.value == kind }.map(\.key).sorted() }

    /// How many orders must end in each status (velocity and scarce orders split in known proportions).
    public var expectedStatuses: [String: Int] {
        var counts: [String: Int] = [:]
        for (_, kind) in group {
            switch kind {
            case .normal, .reviewApprove: counts["delivered", default: 0] += 1
            case .returning: counts["returned", default: 0] += 1
            case .rejected, .reviewReject: counts["rejected", default: 0] += 1
            case .reviewWait: counts["in_review", default: 0] += 1
            case .cancelEarly, .cancelReserved: counts["cancelled", default: 0] += 1
            case .velocity, .scarce: break
            }
        }
        let velocity = ids(.velocity).count
        if velocity > 0 {
            // Eight orders at one instant on one card: from the fourth on the card is over its limit (review, then
            // rejected by the reviewer); the first three go through.
            counts["rejected", default: 0] += velocity - 3
            counts["delivered", default: 0] += 3
        }
        let scarce = ids(.scarce).count
        let served = Int(min(Int64(scarce), scarceStock + restock))
        counts["delivered", default: 0] += served
        if scarce - served > 0 { counts["backordered", default: 0] += scarce - served }
        return counts
    }
}

/// A small reproducible random source (PCG-like LCG).
public struct SeededRandom: Sendable {
    private var state: UInt64

    public init(_ seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    public mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 11
    }

    public mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

    public mutating func weighted<T>(_ items: [(T, Int)]) -> T {
        var roll = Int(next() % UInt64(items.reduce(0) { $0 + $1.1 }))
        for (item, weight) in items {
            if roll < weight { return item }
            roll -= weight
        }
        return items[items.count - 1].0
    }

    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for index in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(index, Int(next() % UInt64(index + 1)))
        }
    }
}
