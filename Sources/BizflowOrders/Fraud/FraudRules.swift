import BizflowEvents

/// Pure risk assessment of an order: rules over the order itself and over the velocity counts of its signals.
public struct FraudRules: Sendable {
    public let config: FraudConfig
    private let disposable: Set<String>
    private let highRisk: Set<String>

    public init(config: FraudConfig) {
        self.config = config
        disposable = Set(config.disposableEmail.values.map { $0.lowercased() })
        highRisk = Set(config.highRiskCountries.values.map { $0.uppercased() })
    }

    /// What the velocity step tells about one signal of the order.
    public struct SignalCount: Codable, Equatable, Sendable {
        public var ordersInWindow: Int
        public var previousOrders: Int
        public var previousAverage: Int64

        public init(ordersInWindow: Int, previousOrders: Int = 0, previousAverage: Int64 = 0) {
            self.ordersInWindow = ordersInWindow
            self.previousOrders = previousOrders
            self.previousAverage = previousAverage
        }
    }

    /// The assessment: a score 0–100, the decision and the rules behind it (highest points first).
    public struct Assessment: Equatable, Sendable {
        public var score: Int
        public var decision: RiskDecision
        public var reasons: [RiskReason]
    }

    /// The signals whose velocity is counted: dimension → value, for the values the order has.
    public static func signals(of order: OrderPlaced) -> [(dimension: String, value: String)] {
        let email = order.customerEmail.lowercased()
        let customer = order.customerID.isEmpty ? email : order.customerID
        let candidates = [
            ("customer", customer), ("email", email), ("card", order.payment.cardFingerprint),
            ("ip", order.payment.ipAddress),
        ]
        return candidates.filter { !$0.1.isEmpty }.map { (dimension: $0.0, value: $0.1) }
    }

    /// Scores an order given the counts of its signals (dimension → count).
    public func assess(_ order: OrderPlaced, counts: [String: SignalCount]) -> Assessment {
        var reasons = orderReasons(order) + velocityReasons(counts) + historyReasons(order, customer: counts["customer"])
        reasons.sort { ($0.points, $0.rule) > ($1.points, $1.rule) }
        let score = min(100, reasons.reduce(0) { $0 + Int($1.points) })
        let decision: RiskDecision =
            score >= config.thresholds.reject ? .reject : score >= config.thresholds.review ? .review : .approve
        return Assessment(score: score, decision: decision, reasons: reasons)
    }

    /// Rules over the order alone: country mismatch, disposable email, high-risk country, quantities.
    func orderReasons(_ order: OrderPlaced) -> [RiskReason] {
        var reasons: [RiskReason] = []
        let shipping = order.shippingAddress.country.uppercased()
        let billing = order.hasBillingAddress ? order.billingAddress.country.uppercased() : ""
        if !billing.isEmpty && !shipping.isEmpty && billing != shipping {
            reasons.append(reason("country_mismatch", config.countryMismatchPoints, "billing \(billing), shipping \(shipping)"))
        }
        if let at = order.customerEmail.lastIndex(of: "@") {
            let domain = order.customerEmail[order.customerEmail.index(after: at)...].lowercased()
            if disposable.contains(domain) {
                reasons.append(reason("disposable_email", config.disposableEmail.points, domain))
            }
        }
        for country in Set([shipping, billing]) where highRisk.contains(country) {
            reasons.append(reason("high_risk_country", config.highRiskCountries.points, country))
        }
        let largest = order.items.map(\.quantity).max() ?? 0
        let units = order.items.reduce(0) { $0 + Int($1.quantity) }
        if largest > config.quantity.maxPerLine || units > config.quantity.maxUnits {
            reasons.append(reason("quantity_anomaly", config.quantity.points, "\(units) units, \(largest) on one line"))
        }
        return reasons
    }

    /// One reason per signal seen more often than its limit allows within the window.
    func velocityReasons(_ counts: [String: SignalCount]) -> [RiskReason] {
        let minutes = Int(config.velocity.windowMinutes)
        return counts.sorted { $0.key < $1.key }.compactMap { dimension, count in
            guard let limit = config.velocity.limits[dimension], count.ordersInWindow > limit.maxOrders else { return nil }
            return reason("velocity_\(dimension)", limit.points, "\(count.ordersInWindow) orders in \(minutes) min")
        }
    }

    /// The amount against the customer's history: far above their average, or a first order of high value.
    func historyReasons(_ order: OrderPlaced, customer: SignalCount?) -> [RiskReason] {
        guard let customer else { return [] }
        if customer.previousOrders == 0 {
            guard order.total >= config.newCustomer.highValueMinor else { return [] }
            return [reason("new_customer_high_value", config.newCustomer.points, "first order of \(order.total) \(order.currency)")]
        }
        let limit = Double(customer.previousAverage) * config.history.multipleOfAverage
        guard customer.previousAverage > 0, Double(order.total) > limit else { return [] }
        return [
            reason(
                "amount_above_history", config.history.points,
                "\(order.total) vs an average of \(customer.previousAverage) over \(customer.previousOrders) orders")
        ]
    }

    private func reason(_ rule: String, _ points: Int, _ detail: String) -> RiskReason {
        var reason = RiskReason()
        reason.rule = rule
        reason.points = Int32(points)
        reason.detail = detail
        return reason
    }
}
