extension ScoringConfig {
    /// How a published scoring model (`bizflow model train`) takes part in a tenant's scores.
    public enum ModelMode: String, Codable, Sendable, Equatable {
        /// The rules alone (models are ignored).
        case rules
        /// The model's score is the total.
        case model
        /// The total is `model_weight` of the model's score plus the rest of the rules'.
        case blend
        /// Both score; the rules' total is emitted, the model's recorded beside it (to compare before switching).
        case shadow
    }

    /// Per tenant: its mode (and weight, for blend).
    public struct TenantModel: Codable, Sendable, Equatable {
        public var mode: ModelMode
        public var modelWeight: Double?

        enum CodingKeys: String, CodingKey {
            case mode
            case modelWeight = "model_weight"
        }
    }

    /// The `models:` section: a default mode and the tenants that differ.
    public struct Models: Codable, Sendable, Equatable {
        public var `default`: ModelMode?
        public var tenants: [String: TenantModel]?
    }

    /// The mode and model weight for `tenant` (rules when the file says nothing).
    public func modelMode(for tenant: String) -> (mode: ModelMode, weight: Double) {
        if let tenant = models?.tenants?[tenant] { return (tenant.mode, tenant.modelWeight ?? 0.5) }
        return (models?.default ?? .rules, 0.5)
    }

    /// Problems of the `models:` section.
    func modelProblems() -> [String] {
        (models?.tenants ?? [:]).sorted { $0.key < $1.key }.compactMap { tenant, model in
            guard let weight = model.modelWeight, !(0...1).contains(weight) else { return nil }
            return "models.tenants.\(tenant).model_weight must be between 0 and 1"
        }
    }
}
