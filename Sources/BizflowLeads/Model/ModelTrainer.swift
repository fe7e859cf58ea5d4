import BizflowEvents
import Foundation
import SwiftProtobuf

/// Trains a tenant's scoring model on its leads' outcomes and evaluates it against the rules on a time-based holdout:
/// the latest leads by capture time, which the model never saw (as a model meets the leads after it).
public enum ModelTrainer {
    /// One lead as training sees it.
    public struct Row: Sendable {
        public var features: LeadFeatures
        public var capturedAt: Date
        /// What the rules scored it (0–100).
        public var rulesScore: Int
        public var converted: Bool

        public init(features: LeadFeatures, capturedAt: Date, rulesScore: Int, converted: Bool) {
            self.features = features
            self.capturedAt = capturedAt
            self.rulesScore = rulesScore
            self.converted = converted
        }
    }

    /// Why no model can be trained.
    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
    }

    /// The model of `rows` (any order) for `tenant`, trained on the earliest `1 - holdout` of them and evaluated on the
    /// rest, with the version `version`.
    public static func train(
        _ rows: [Row], tenant: String, version: String, holdout: Double = 0.2, now: Date = Date()
    ) throws(Refusal) -> ScoringModel {
        let sorted = rows.sorted { $0.capturedAt < $1.capturedAt }
        let split = Int(Double(sorted.count) * (1 - holdout))
        let (train, test) = (Array(sorted[..<split]), Array(sorted[split...]))
        for (name, part) in [("training", train), ("holdout", test)] {
            let converted = part.filter(\.converted).count
            guard converted >= 5, part.count - converted >= 5 else {
                throw Refusal(description: "the \(name) leads hold \(converted) conversions among \(part.count) leads: a model needs at least 5 of each outcome (widen --since/--until, or wait for more outcomes)")
            }
        }
        let trainingRows = train.map { (features: $0.features.vector, converted: $0.converted) }
        let model = LogisticModel.train(trainingRows, lambda: LogisticModel.crossValidatedPenalty(trainingRows))
        let outcomes = test.map(\.converted)
        let predicted = test.map { model.probability($0.features.vector) }
        let rules = test.map { Double($0.rulesScore) }
        var scoring = ScoringModel()
        scoring.tenantID = tenant
        scoring.version = version
        scoring.trainedAt = Google_Protobuf_Timestamp(date: now)
        scoring.features = LeadFeatures.names
        scoring.weights = model.weights
        scoring.intercept = model.intercept
        scoring.means = model.means
        scoring.scales = model.scales
        if let first = sorted.first { scoring.trainedFrom = Google_Protobuf_Timestamp(date: first.capturedAt) }
        if let last = sorted.last { scoring.trainedUntil = Google_Protobuf_Timestamp(date: last.capturedAt) }
        scoring.evaluation = ModelEvaluation.with {
            $0.trainLeads = Int32(train.count)
            $0.holdoutLeads = Int32(test.count)
            $0.modelAuc = ScoreMetrics.auc(predicted, outcomes)
            $0.rulesAuc = ScoreMetrics.auc(rules, outcomes)
            $0.modelBrier = ScoreMetrics.brier(predicted, outcomes)
            $0.rulesBrier = ScoreMetrics.brier(rules.map { $0 / 100 }, outcomes)
            $0.modelTopDecileLift = ScoreMetrics.topDecileLift(predicted, outcomes)
            $0.rulesTopDecileLift = ScoreMetrics.topDecileLift(rules, outcomes)
            $0.calibration = ScoreMetrics.calibration(predicted, outcomes).map { bin in
                CalibrationBin.with {
                    $0.predicted = bin.predicted
                    $0.observed = bin.observed
                    $0.leads = Int32(bin.leads)
                }
            }
            $0.conversionRate = Double(outcomes.filter { $0 }.count) / Double(max(outcomes.count, 1))
        }
        return scoring
    }
}

extension LogisticModel {
    /// The model a published `ScoringModel` carries; nil when its features are not this build's (a model trained by
    /// another version: the rules score until a model of these features is published).
    public init?(_ model: ScoringModel) {
        guard model.features == LeadFeatures.names, model.weights.count == model.features.count,
            model.means.count == model.features.count, model.scales.count == model.features.count
        else { return nil }
        self.init(weights: model.weights, intercept: model.intercept, means: model.means, scales: model.scales)
    }
}
