import BizflowConfig
import Foundation

/// Carriers, their services and rates, SKU weights and the carrier label API (`Topology/fulfilment.yaml`).
public struct FulfilmentConfig: CheckedConfiguration, Codable, Sendable, Equatable {
    /// One service of a carrier: what it ships where, and at what rate.
    public struct CarrierService: Codable, Sendable, Equatable {
        public var carrier: String
        public var service: String
        /// standard, express or overnight.
        public var level: String
        /// domestic, regional, international.
        public var zones: [String]
        public var maxWeightGrams: Int
        public var baseMinor: Int64
        public var perKgMinor: Int64
        public var currency: String

        enum CodingKeys: String, CodingKey {
            case carrier, service, level, zones, currency
            case maxWeightGrams = "max_weight_grams"
            case baseMinor = "base_minor"
            case perKgMinor = "per_kg_minor"
        }

        /// The rate for a parcel: base plus every started kilogram.
        public func rate(weightGrams: Int) -> Int64 {
            baseMinor + perKgMinor * Int64((weightGrams + 999) / 1000)
        }
    }

    /// The carrier's label API; empty makes labels locally (simulated carrier, for the demo and development).
    public var labelEndpoint: String
    public var secretEnv: String
    public var timeoutMs: Int
    public var defaultWeightGrams: Int
    /// SKU → weight of one unit in grams.
    public var weights: [String: Int]
    public var services: [CarrierService]

    enum CodingKeys: String, CodingKey {
        case weights, services
        case labelEndpoint = "label_endpoint"
        case secretEnv = "secret_env"
        case timeoutMs = "timeout_ms"
        case defaultWeightGrams = "default_weight_grams"
    }

    public static let levels = ["standard", "express", "overnight"]
    public static let zones = ["domestic", "regional", "international"]

    /// Loads and validates the file; `BIZFLOW_CARRIER_URL` overrides the label endpoint.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> FulfilmentConfig
    {
        try ConfigFile.loadChecked(FulfilmentConfig.self, path: path) { config in
            if let url = environment["BIZFLOW_CARRIER_URL"], !url.isEmpty { config.labelEndpoint = url }
        }
    }

    /// What is inconsistent (empty when the configuration is usable).
    public func problems() -> [String] {
        var problems: [String] = []
        if !labelEndpoint.isEmpty && !(labelEndpoint.hasPrefix("http://") || labelEndpoint.hasPrefix("https://")) {
            problems.append("label_endpoint must be empty (simulated labels) or an http:// or https:// URL")
        }
        if timeoutMs <= 0 { problems.append("timeout_ms must be positive") }
        if defaultWeightGrams <= 0 { problems.append("default_weight_grams must be positive") }
        for (sku, grams) in weights.sorted(by: { $0.key < $1.key }) where grams <= 0 {
            problems.append("weights.\(sku) must be positive")
        }
        if services.isEmpty { problems.append("services must list at least one carrier service") }
        for (index, service) in services.enumerated() {
            let name = "services[\(index)] (\(service.carrier) \(service.service))"
            if !Self.levels.contains(service.level) {
                problems.append("\(name): level must be one of \(Self.levels.joined(separator: ", "))")
            }
            if service.zones.isEmpty || service.zones.contains(where: { !Self.zones.contains($0) }) {
                problems.append("\(name): zones must be some of \(Self.zones.joined(separator: ", "))")
            }
            if service.maxWeightGrams <= 0 || service.baseMinor < 0 || service.perKgMinor < 0 {
                problems.append("\(name): max_weight_grams must be positive and rates not negative")
            }
        }
        return problems
    }

    /// The weight of `quantity` units of `sku`.
    public func weight(of sku: String, quantity: Int) -> Int { (weights[sku] ?? defaultWeightGrams) * quantity }
}
