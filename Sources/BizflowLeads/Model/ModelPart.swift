import BizflowEvents

/// What a published scoring model adds to one lead's score: its score, how it counts (the tenant's mode), and the
/// features that moved it most, as reasons.
struct ModelPart {
    var version: String
    /// The model's score, 0–100 (its probability of conversion, in percent).
    var score: Int
    var mode: ScoringConfig.ModelMode
    var weight: Double
    /// The strongest contributions to the model's logit, strongest first: feature name and contribution.
    var reasons: [(feature: String, contribution: Double)]

    /// The model's part in the score of the lead `view` reads from `bytes`, with its engagement since.
    init(_ model: LogisticModel, version: String, mode: ScoringConfig.ModelMode, weight: Double, features: LeadFeatures) {
        let vector = features.vector
        self.version = version
        self.mode = mode
        self.weight = weight
        score = Int((model.probability(vector) * 100).rounded())
        let contributions = model.contributions(vector)
        reasons = contributions.indices.sorted { abs(contributions[$0]) > abs(contributions[$1]) }.prefix(3)
            .filter { contributions[$0] != 0 }.map { (LeadFeatures.names[$0], contributions[$0]) }
    }

    /// The total this lead gets, from the rules' total.
    func total(rules: Int) -> Int {
        switch mode {
        case .rules, .shadow: rules
        case .model: score
        case .blend: Int((weight * Double(score) + (1 - weight) * Double(rules)).rounded())
        }
    }
}
