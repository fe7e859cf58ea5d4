import BizflowEvents
import BizflowConfig

/// Rules and thresholds of the fraud tier (`Topology/fraud.yaml`).
public struct FraudConfig: CheckedConfiguration, Codable, Sendable, Equatable {
    /// Risk score from which an order is reviewed by a human, and from which it is rejected outright.
    public struct Thresholds: Codable, Sendable, Equatable {
        public var review: Int
        public var reject: Int
    }

    /// More than `maxOrders` orders sharing a value within the window adds `points`.
    public struct VelocityLimit: Codable, Sendable, Equatable {
        public var maxOrders: Int
        public var points: Int

        enum CodingKeys: String, CodingKey {
            case points
            case maxOrders = "max_orders"
        }
    }

    public struct Velocity: Codable, Sendable, Equatable {
        public var windowMinutes: Double
        /// Per dimension: customer, email, card, ip.
        public var limits: [String: VelocityLimit]

        enum CodingKeys: String, CodingKey {
            case limits
            case windowMinutes = "window_minutes"
        }
    }

    /// An order worth more than `multipleOfAverage` times the customer's average so far adds `points`.
    public struct History: Codable, Sendable, Equatable {
        public var multipleOfAverage: Double
        public var points: Int

        enum CodingKeys: String, CodingKey {
            case points
            case multipleOfAverage = "multiple_of_average"
        }
    }

    /// A first order of at least `highValueMinor` (minor units) adds `points`.
    public struct NewCustomer: Codable, Sendable, Equatable {
        public var highValueMinor: Int64
        public var points: Int

        enum CodingKeys: String, CodingKey {
            case points
            case highValueMinor = "high_value_minor"
        }
    }

    /// A rule over a list of values (domains, countries).
    public struct ListRule: Codable, Sendable, Equatable {
        public var points: Int
        public var values: [String]
    }

    /// A line over `maxPerLine` units, or an order over `maxUnits`, adds `points`.
    public struct Quantity: Codable, Sendable, Equatable {
        public var maxPerLine: Int
        public var maxUnits: Int
        public var points: Int

        enum CodingKeys: String, CodingKey {
            case points
            case maxPerLine = "max_per_line"
            case maxUnits = "max_units"
        }
    }

    public var version: String
    public var thresholds: Thresholds
    public var velocity: Velocity
    public var history: History
    public var newCustomer: NewCustomer
    public var countryMismatchPoints: Int
    public var disposableEmail: ListRule
    public var highRiskCountries: ListRule
    public var quantity: Quantity
    /// A review not decided within this many minutes is escalated.
    public var reviewSLAMinutes: Double
    /// Currencies orders may use; empty accepts every ISO 4217 code.
    public var currencies: [String]?

    enum CodingKeys: String, CodingKey {
        case version, thresholds, velocity, history, quantity, currencies
        case newCustomer = "new_customer"
        case countryMismatchPoints = "country_mismatch_points"
        case disposableEmail = "disposable_email"
        case highRiskCountries = "high_risk_countries"
        case reviewSLAMinutes = "review_sla_minutes"
    }

    /// The dimensions whose velocity is counted.
    public static let dimensions = ["customer", "email", "card", "ip"]

    /// Loads and validates the file.
    public static func load(path: String) throws -> FraudConfig {
        try ConfigFile.loadChecked(FraudConfig.self, path: path)
    }

    /// What is inconsistent (empty when the configuration is usable).
    public func problems() -> [String] {
        var problems: [String] = []
        if !(0 < thresholds.review && thresholds.review < thresholds.reject && thresholds.reject <= 100) {
            problems.append("thresholds must satisfy 0 < review < reject <= 100")
        }
        if velocity.windowMinutes <= 0 { problems.append("velocity.window_minutes must be positive") }
        for (dimension, limit) in velocity.limits.sorted(by: { $0.key < $1.key }) {
            if !Self.dimensions.contains(dimension) {
                problems.append("velocity.limits.\(dimension) is not a dimension (\(Self.dimensions.joined(separator: ", ")))")
            }
            if limit.maxOrders < 1 { problems.append("velocity.limits.\(dimension).max_orders must be at least 1") }
        }
        if history.multipleOfAverage <= 1 { problems.append("history.multiple_of_average must be above 1") }
        if quantity.maxPerLine < 1 || quantity.maxUnits < quantity.maxPerLine {
            problems.append("quantity must satisfy 1 <= max_per_line <= max_units")
        }
        if reviewSLAMinutes <= 0 { problems.append("review_sla_minutes must be positive") }
        for code in currencies ?? [] where !Currencies.iso4217.contains(code) {
            problems.append("currencies: \(code) is not an ISO 4217 code")
        }
        return problems
    }

    /// Whether orders may use `currency`.
    public func accepts(currency: String) -> Bool {
        if let currencies, !currencies.isEmpty { return currencies.contains(currency) }
        return Currencies.iso4217.contains(currency)
    }
}
