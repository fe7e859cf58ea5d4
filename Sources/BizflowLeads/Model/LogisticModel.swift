import Foundation

/// A regularised logistic regression over standardised features: the probability a lead converts. Trained in Swift
/// by full-batch gradient descent (the data are projections of one tenant: thousands to a few million rows).
public struct LogisticModel: Sendable, Equatable {
    public var weights: [Double]
    public var intercept: Double
    /// Per feature: the training mean and scale (standard deviation, 1 for constant features) it is standardised by.
    public var means: [Double]
    public var scales: [Double]

    public init(weights: [Double], intercept: Double, means: [Double], scales: [Double]) {
        self.weights = weights
        self.intercept = intercept
        self.means = means
        self.scales = scales
    }

    /// The probability of conversion for a feature vector.
    public func probability(_ features: [Double]) -> Double {
        1 / (1 + exp(-logit(features)))
    }

    func logit(_ features: [Double]) -> Double {
        var z = intercept
        for index in weights.indices { z += weights[index] * (features[index] - means[index]) / scales[index] }
        return z
    }

    /// Each feature's share of the logit (its weight times its standardised value), for explaining a score.
    public func contributions(_ features: [Double]) -> [Double] {
        weights.indices.map { weights[$0] * (features[$0] - means[$0]) / scales[$0] }
    }

    /// Fits a model to `rows` (features, converted?) with L2 penalty `lambda` on the weights.
    public static func train(_ rows: [(features: [Double], converted: Bool)], lambda: Double = 1.0, iterations: Int = 400) -> LogisticModel {
        let count = rows.first?.features.count ?? 0
        let n = Double(max(rows.count, 1))
        var means = [Double](repeating: 0, count: count)
        for row in rows { for index in 0..<count { means[index] += row.features[index] / n } }
        var scales = [Double](repeating: 0, count: count)
        for row in rows { for index in 0..<count { scales[index] += pow(row.features[index] - means[index], 2) / n } }
        scales = scales.map { $0 > 1e-12 ? sqrt($0) : 1 }
        let standardised = rows.map { row in (0..<count).map { (row.features[$0] - means[$0]) / scales[$0] } }
        let labels = rows.map { $0.converted ? 1.0 : 0.0 }
        // Start at the base rate; then gradient descent with a step that shrinks when the loss goes up.
        let rate = min(max(labels.reduce(0, +) / n, 1e-4), 1 - 1e-4)
        var weights = [Double](repeating: 0, count: count)
        var intercept = log(rate / (1 - rate))
        var step = 0.5
        var loss = Double.infinity
        for _ in 0..<iterations {
            var gradient = [Double](repeating: 0, count: count)
            var gradientIntercept = 0.0
            var current = 0.0
            for (x, y) in zip(standardised, labels) {
                var z = intercept
                for index in 0..<count { z += weights[index] * x[index] }
                let p = 1 / (1 + exp(-z))
                current -= y * log(max(p, 1e-12)) + (1 - y) * log(max(1 - p, 1e-12))
                let error = p - y
                gradientIntercept += error
                for index in 0..<count { gradient[index] += error * x[index] }
            }
            current = current / n + lambda / (2 * n) * weights.reduce(0) { $0 + $1 * $1 }
            if current > loss { step /= 2 }
            loss = current
            intercept -= step * gradientIntercept / n
            for index in 0..<count { weights[index] -= step * (gradient[index] + lambda * weights[index]) / n }
        }
        return LogisticModel(weights: weights, intercept: intercept, means: means, scales: scales)
    }
}
