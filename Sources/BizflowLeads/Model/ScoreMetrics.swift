import Foundation

/// How well scores rank and predict outcomes: the measures `bizflow model train` reports for the model and the rules.
public enum ScoreMetrics {
    /// The area under the ROC curve: the chance a converted lead scores above one that did not (ties count half).
    public static func auc(_ scores: [Double], _ converted: [Bool]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var position = 0
        while position < order.count {
            var end = position
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[position]] { end += 1 }
            let rank = Double(position + end) / 2 + 1  // average rank of the tie
            for index in position...end where converted[order[index]] { rankSum += rank }
            position = end + 1
        }
        let positives = Double(converted.filter { $0 }.count)
        let negatives = Double(converted.count) - positives
        guard positives > 0, negatives > 0 else { return 0.5 }
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }

    /// The mean squared difference between probabilities and outcomes (lower is better).
    public static func brier(_ probabilities: [Double], _ converted: [Bool]) -> Double {
        guard !probabilities.isEmpty else { return 0 }
        var sum = 0.0
        for (p, y) in zip(probabilities, converted) {
            let error = p - (y ? 1 : 0)
            sum += error * error
        }
        return sum / Double(probabilities.count)
    }

    /// The conversion rate among the top tenth by score over the overall rate (1: no better than chance).
    public static func topDecileLift(_ scores: [Double], _ converted: [Bool]) -> Double {
        let base = Double(converted.filter { $0 }.count) / Double(max(converted.count, 1))
        guard base > 0 else { return 0 }
        let top = scores.indices.sorted { scores[$0] > scores[$1] }.prefix(max(1, converted.count / 10))
        return Double(top.filter { converted[$0] }.count) / Double(top.count) / base
    }

    /// Ten bins by predicted probability: each bin's mean prediction, observed rate and size.
    public static func calibration(_ probabilities: [Double], _ converted: [Bool]) -> [CalibrationBin] {
        var sums = [Double](repeating: 0, count: 10)
        var hits = [Int](repeating: 0, count: 10)
        var counts = [Int](repeating: 0, count: 10)
        for (p, y) in zip(probabilities, converted) {
            let bin = min(9, max(0, Int(p * 10)))
            sums[bin] += p
            hits[bin] += y ? 1 : 0
            counts[bin] += 1
        }
        return (0..<10).filter { counts[$0] > 0 }.map {
            CalibrationBin(predicted: sums[$0] / Double(counts[$0]), observed: Double(hits[$0]) / Double(counts[$0]), leads: counts[$0])
        }
    }

    /// One bin of a calibration curve.
    public struct CalibrationBin: Sendable, Equatable {
        public var predicted: Double
        public var observed: Double
        public var leads: Int
    }
}
