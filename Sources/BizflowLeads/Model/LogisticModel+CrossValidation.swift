import Foundation

extension LogisticModel {
    /// The L2 penalties `train` chooses among: from almost none (many leads) to strong (a few hundred leads, where
    /// dozens of one-hot features would otherwise fit noise).
    public static let penalties: [Double] = [0.3, 1, 3, 10, 30, 100, 300]

    /// The penalty of `penalties` whose models predict the held-out fold best (mean log loss over `folds` folds,
    /// interleaved so every fold spans the whole window).
    public static func crossValidatedPenalty(
        _ rows: [(features: [Double], converted: Bool)], folds: Int = 5, iterations: Int = 200
    ) -> Double {
        guard rows.count >= folds * 2 else { return 1 }
        var best = (penalty: 1.0, loss: Double.infinity)
        for penalty in penalties {
            var loss = 0.0
            for fold in 0..<folds {
                let training = rows.indices.filter { $0 % folds != fold }.map { rows[$0] }
                let model = train(training, lambda: penalty, iterations: iterations)
                for index in stride(from: fold, to: rows.count, by: folds) {
                    let p = min(max(model.probability(rows[index].features), 1e-12), 1 - 1e-12)
                    loss -= rows[index].converted ? log(p) : log(1 - p)
                }
            }
            if loss < best.loss { best = (penalty, loss) }
        }
        return best.penalty
    }
}
