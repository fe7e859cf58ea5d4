import BizflowEvents
@testable import BizflowOrders
import BizflowRuntime
import Foundation
import Testing

@Suite("Fraud rules, order validation and velocity windows")
struct FraudRulesTests {
    struct PoisonCase: Sendable, CustomTestStringConvertible {
        var name: String
        var change: @Sendable (inout OrderPlaced) -> Void
        var problem: String
        var testDescription: String { name }
    }

    static let poison: [PoisonCase] = [
        .init(name: "negative quantity", change: { withItems(&$0, [item("SKU-A", -2, 100)]) }, problem: "items[0].quantity must be positive"),
        .init(name: "zero quantity", change: { withItems(&$0, [item("SKU-A", 0, 100)]) }, problem: "items[0].quantity must be positive"),
        .init(name: "unknown currency", change: { $0.currency = "XYZ" }, problem: "currency XYZ is not an accepted ISO 4217 code"),
        .init(name: "lower-case currency", change: { $0.currency = "eur" }, problem: "currency eur"),
        .init(name: "missing currency", change: { $0.currency = "" }, problem: "currency is required"),
        .init(name: "empty items", change: { withItems(&$0, []) }, problem: "items must not be empty"),
        .init(name: "item without sku", change: { withItems(&$0, [item("", 1, 100)]) }, problem: "items[0].sku is required"),
        .init(name: "negative price", change: { withItems(&$0, [item("SKU-A", 1, -5)]) }, problem: "unit_price must not be negative"),
        .init(name: "total mismatch", change: { $0.total += 1 }, problem: "does not match the items"),
        .init(name: "overflowing amounts", change: { withItems(&$0, [item("SKU-A", 1, .max)]); $0.items.append(item("SKU-B", 2, .max)) }, problem: "overflow"),
        .init(name: "no customer", change: { $0.customerID = ""; $0.customerEmail = "" }, problem: "customer_id or customer_email is required"),
        .init(name: "malformed email", change: { $0.customerEmail = "not-an-email" }, problem: "customer_email is not a well-formed address"),
        .init(name: "no shipping country", change: { $0.clearShippingAddress() }, problem: "shipping_address.country"),
        .init(name: "unknown service level", change: { $0.serviceLevel = "teleport" }, problem: "service_level must be one of"),
        .init(name: "absurd quantity", change: { withItems(&$0, [item("SKU-A", 200_000, 1)]) }, problem: "at most 100000"),
    ]

    @Test("malformed orders are refused with a reason that names the field", arguments: poison)
    func poisonOrders(_ case: PoisonCase) throws {
        let problems = OrderValidator.problems(order("P", `case`.change), config: try shippedFraud())
        #expect(problems.contains { $0.contains(`case`.problem) }, "\(problems)")
    }

    @Test("a clean order has no problems and is approved with no reasons")
    func cleanOrder() throws {
        let config = try shippedFraud()
        let clean = order()
        #expect(OrderValidator.problems(clean, config: config).isEmpty)
        let assessment = FraudRules(config: config).assess(clean, counts: ["customer": .init(ordersInWindow: 1, previousOrders: 2, previousAverage: 9_000)])
        #expect(assessment.decision == .approve)
        #expect(assessment.score == 0 && assessment.reasons.isEmpty)
    }

    struct RuleCase: Sendable, CustomTestStringConvertible {
        var name: String
        var change: @Sendable (inout OrderPlaced) -> Void
        var counts: [String: FraudRules.SignalCount]
        var rules: Set<String>
        var decision: RiskDecision
        var testDescription: String { name }
    }

    static let history = FraudRules.SignalCount(ordersInWindow: 1, previousOrders: 3, previousAverage: 10_000)

    static let rules: [RuleCase] = [
        .init(name: "country mismatch alone", change: { $0.billingAddress = address("FR") }, counts: ["customer": history],
              rules: ["country_mismatch"], decision: .approve),
        .init(name: "disposable email: review", change: { $0.customerEmail = "x@Mailinator.com" }, counts: ["customer": history],
              rules: ["disposable_email"], decision: .review),
        .init(name: "disposable, high-risk country and mismatch: reject",
              change: { $0.customerEmail = "x@yopmail.com"; $0.shippingAddress = address("KP") }, counts: ["customer": history],
              rules: ["disposable_email", "high_risk_country", "country_mismatch"], decision: .reject),
        .init(name: "card velocity over its limit", change: { _ in },
              counts: ["customer": history, "card": .init(ordersInWindow: 4)], rules: ["velocity_card"], decision: .approve),
        .init(name: "card at its limit is fine", change: { _ in },
              counts: ["customer": history, "card": .init(ordersInWindow: 3)], rules: [], decision: .approve),
        .init(name: "card and ip velocity: review", change: { _ in },
              counts: ["customer": history, "card": .init(ordersInWindow: 9), "ip": .init(ordersInWindow: 6)],
              rules: ["velocity_card", "velocity_ip"], decision: .review),
        .init(name: "every velocity: reject", change: { _ in },
              counts: ["customer": .init(ordersInWindow: 5, previousOrders: 4, previousAverage: 10_000), "email": .init(ordersInWindow: 5),
                       "card": .init(ordersInWindow: 5), "ip": .init(ordersInWindow: 7)],
              rules: ["velocity_customer", "velocity_email", "velocity_card", "velocity_ip"], decision: .reject),
        .init(name: "amount far above the customer's average",
              change: { withItems(&$0, [item("SKU-LAPTOP", 1, 60_000)]) }, counts: ["customer": history],
              rules: ["amount_above_history"], decision: .approve),
        .init(name: "amount just at five times the average is fine",
              change: { withItems(&$0, [item("SKU-LAPTOP", 1, 50_000)]) }, counts: ["customer": history], rules: [], decision: .approve),
        .init(name: "new customer with a high-value order",
              change: { withItems(&$0, [item("SKU-LAPTOP", 1, 150_000)]) }, counts: ["customer": .init(ordersInWindow: 1)],
              rules: ["new_customer_high_value"], decision: .approve),
        .init(name: "new customer, high value, mismatch: review",
              change: { withItems(&$0, [item("SKU-LAPTOP", 1, 150_000)]); $0.billingAddress = address("US") },
              counts: ["customer": .init(ordersInWindow: 1)], rules: ["new_customer_high_value", "country_mismatch"], decision: .review),
        .init(name: "quantity anomaly on one line", change: { withItems(&$0, [item("SKU-MOUSE", 21, 100)]) }, counts: ["customer": history],
              rules: ["quantity_anomaly"], decision: .approve),
        .init(name: "quantity anomaly over many lines",
              change: { withItems(&$0, (0..<6).map { item("SKU-\($0)", 10, 100) }) }, counts: ["customer": history],
              rules: ["quantity_anomaly"], decision: .approve),
    ]

    @Test("each rule adds its points and the thresholds decide", arguments: rules)
    func ruleTable(_ case: RuleCase) throws {
        let assessment = FraudRules(config: try shippedFraud()).assess(order("R", `case`.change), counts: `case`.counts)
        #expect(Set(assessment.reasons.map(\.rule)) == `case`.rules)
        #expect(assessment.decision == `case`.decision, "score \(assessment.score)")
        #expect(assessment.score == min(100, assessment.reasons.reduce(0) { $0 + Int($1.points) }))
        #expect(assessment.reasons.map(\.points) == assessment.reasons.map(\.points).sorted(by: >), "highest first")
    }

    @Test("signals: customer falls back to the email; empty values are not probed; emails compare lower-cased")
    func signals() {
        let full = FraudRules.signals(of: order("S") { $0.customerEmail = "Ada@Example.com" })
        #expect(full.map(\.dimension) == ["customer", "email", "card", "ip"])
        #expect(full[1].value == "ada@example.com")
        let guest = FraudRules.signals(of: order("S") { $0.customerID = ""; $0.payment = Payment() })
        #expect(guest.map(\.dimension) == ["customer", "email"])
        #expect(guest[0].value == guest[1].value)
    }

    @Test("a velocity window counts orders within the window, ignores repeats, and keeps the history before each order")
    func velocityWindow() {
        var window = VelocityWindow()
        let hour = 3600.0
        #expect(window.record(orderID: "a", time: 1000, amount: 100, window: hour) == .init(inWindow: 1, previousOrders: 0, previousAverage: 0))
        #expect(window.record(orderID: "b", time: 1100, amount: 300, window: hour) == .init(inWindow: 2, previousOrders: 1, previousAverage: 100))
        // The same probe again (a redelivery): the same answer, nothing counted twice.
        #expect(window.record(orderID: "b", time: 1100, amount: 300, window: hour) == .init(inWindow: 2, previousOrders: 1, previousAverage: 100))
        #expect(window.orders == 2)
        // Two hours later the first two are out of the window, but they are the history.
        #expect(window.record(orderID: "c", time: 1000 + 2 * hour, amount: 50, window: hour) == .init(inWindow: 1, previousOrders: 2, previousAverage: 200))
        // An order placed earlier but arriving late counts what was before it.
        #expect(window.record(orderID: "d", time: 1150, amount: 10, window: hour).inWindow == 2)
        // Orders at the same instant all count (arrival order does not matter for the total).
        var burst = VelocityWindow()
        let counts = (0..<6).map { burst.record(orderID: "o\($0)", time: 5000, amount: 1, window: hour).inWindow }
        #expect(counts == [1, 2, 3, 4, 5, 6])
    }

    @Test("the shipped configuration is valid, and bad configurations say what is wrong")
    func configuration() throws {
        var config = try shippedFraud()
        #expect(config.problems().isEmpty)
        config.thresholds = .init(review: 80, reject: 60)
        config.velocity.limits["phone"] = .init(maxOrders: 2, points: 5)
        config.currencies = ["EUR", "EURO"]
        let problems = config.problems()
        #expect(problems.contains { $0.contains("review < reject") })
        #expect(problems.contains { $0.contains("phone is not a dimension") })
        #expect(problems.contains { $0.contains("EURO is not an ISO 4217 code") })
        config = try shippedFraud()
        config.currencies = ["EUR"]
        #expect(config.accepts(currency: "EUR") && !config.accepts(currency: "USD"))
    }

    @Test("fraud lets decided cases expire; undecided cases, waiting cancels, velocity windows and stock stay")
    func expiry() throws {
        let tier: any Tier = FraudTier(config: try shippedFraud())  // as the runner calls it
        let phases: [(FraudCase.Phase, Bool)] = [
            (.probing, false), (.inReview, false), (.cancelRequested, false), (.approved, true), (.rejected, true),
            (.cancelled, true),
        ]
        for (phase, expires) in phases {
            let bytes = try StateEncoder().encode(FraudCase(phase: phase))
            #expect(tier.mayExpire(store: FraudTier.cases, value: bytes) == expires, "\(phase)")
        }
        var window = VelocityWindow()
        _ = window.record(orderID: "O1", time: 0, amount: 100, window: 60)
        #expect(!tier.mayExpire(store: FraudTier.windows, value: try StateEncoder().encode(window)))
        #expect(!tier.mayExpire(store: FraudTier.cases, value: [0xff]), "unreadable: kept")
        // The other order tiers keep all their own state: only their dedupe windows expire.
        let inventory: any Tier = InventoryTier(warehouses: try shippedWarehouses())
        for store in [InventoryTier.stock, InventoryTier.holds, InventoryTier.orders] {
            #expect(!inventory.mayExpire(store: store, value: [1]), "\(store)")
        }
    }
}

