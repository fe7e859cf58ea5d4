import BizflowLeads
import BizflowWorkload
import Foundation
import Testing

@Suite("Scoring model: features, logistic regression, evaluation")
struct ScoringModelTests {
    @Test("the metrics: AUC counts ties as half, Brier squares the error, lift compares the top tenth, calibration bins")
    func metrics() {
        #expect(ScoreMetrics.auc([0.1, 0.2, 0.8, 0.9], [false, false, true, true]) == 1)
        #expect(ScoreMetrics.auc([0.9, 0.8, 0.2, 0.1], [false, false, true, true]) == 0)
        #expect(ScoreMetrics.auc([0.5, 0.5, 0.5, 0.5], [false, true, false, true]) == 0.5)
        #expect(abs(ScoreMetrics.brier([0.8, 0.3], [true, false]) - (0.04 + 0.09) / 2) < 1e-12)
        let scores = (0..<100).map(Double.init)
        let converted = (0..<100).map { $0 >= 95 || $0 == 3 }  // 6 converted, 5 in the top ten
        #expect(abs(ScoreMetrics.topDecileLift(scores, converted) - (5.0 / 10) / (6.0 / 100)) < 1e-9)
        let bins = ScoreMetrics.calibration([0.05, 0.07, 0.95], [false, true, true])
        #expect(bins.count == 2 && bins[0].leads == 2 && bins[0].observed == 0.5 && bins[1].observed == 1)
    }

    @Test("features: one-hot categories and log counts, in the order their names give")
    func features() {
        var lead = LeadFeatures()
        lead.jobTitle = "VP Engineering"
        lead.industry = "Finance"
        lead.country = "de"
        lead.websiteVisits = 9
        lead.consentGranted = true
        let vector = lead.vector
        #expect(vector.count == LeadFeatures.names.count)
        func value(_ name: String) -> Double { vector[LeadFeatures.names.firstIndex(of: name)!] }
        #expect(value("seniority_vp_director") == 1 && value("seniority_c_level") == 0)
        #expect(value("industry_finance") == 1 && value("country_de") == 1 && value("industry_other") == 0)
        #expect(abs(value("website_visits_log") - log(10)) < 1e-12 && value("consent") == 1)
    }

    @Test("trained on outcomes that depend on visits and seniority, the model learns them and ranks a holdout well")
    func learnsTheSignal() {
        var random = SeededRandom(42)
        func row() -> (features: [Double], converted: Bool) {
            var lead = LeadFeatures()
            lead.websiteVisits = Int(random.next() % 30)
            lead.jobTitle = random.pick(["CTO", "Analyst", "Engineering Manager", "Intern"])
            lead.companySize = Int(random.next() % 2_000)
            let z = -4 + 0.12 * Double(lead.websiteVisits) + (lead.jobTitle == "CTO" ? 1.5 : 0)
            let converted = Double(random.next() % 10_000) / 10_000 < 1 / (1 + exp(-z))
            return (lead.vector, converted)
        }
        let train = (0..<4_000).map { _ in row() }
        let holdout = (0..<1_000).map { _ in row() }
        let model = LogisticModel.train(train)
        let names = LeadFeatures.names
        #expect(model.weights[names.firstIndex(of: "website_visits_log")!] > 0.3)
        #expect(model.weights[names.firstIndex(of: "seniority_c_level")!] > 0.2)
        #expect(abs(model.weights[names.firstIndex(of: "company_size_log")!]) < 0.15, "no signal, little weight")
        let predicted = holdout.map { model.probability($0.features) }
        #expect(ScoreMetrics.auc(predicted, holdout.map(\.converted)) > 0.75)
        let rate = Double(holdout.filter(\.converted).count) / Double(holdout.count)
        #expect(abs(predicted.reduce(0, +) / Double(predicted.count) - rate) < 0.05, "calibrated on average")
    }
}
