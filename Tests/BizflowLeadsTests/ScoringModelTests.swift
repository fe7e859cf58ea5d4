import BizflowEmbeddedBroker
import BizflowEvents
import BizflowRuntime
@testable import BizflowLeads
import BizflowKafka
import BizflowTestSupport
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

extension ScoringModelTests {
    @Test("cross-validation penalises hard when outcomes are noise and lightly when many leads carry a signal")
    func penaltyFollowsTheEvidence() {
        var random = SeededRandom(11)
        func lead() -> LeadFeatures {
            var lead = LeadFeatures()
            lead.websiteVisits = Int(random.next() % 30)
            lead.industry = random.pick(["software", "finance", "retail", "logistics"])
            lead.country = random.pick(["US", "DE", "GB", "JP"])
            return lead
        }
        let noise = (0..<200).map { _ in (features: lead().vector, converted: random.next() % 5 == 0) }
        let signal = (0..<1_500).map { _ in
            let features = lead()
            let z = -3 + 0.15 * Double(features.websiteVisits)
            return (features: features.vector, converted: Double(random.next() % 10_000) / 10_000 < 1 / (1 + exp(-z)))
        }
        let (noisy, informed) = (LogisticModel.crossValidatedPenalty(noise), LogisticModel.crossValidatedPenalty(signal))
        #expect(noisy >= 30 && informed <= 3, "noise: \(noisy), signal: \(informed)")
    }
}

@Suite("The scoring tier with published models")
struct ScoringTierModelTests {
    /// A model that likes visits: one weight on `website_visits_log`.
    static func model(tenant: String = "acme", features: [String] = LeadFeatures.names) -> ScoringModel {
        ScoringModel.with {
            $0.tenantID = tenant
            $0.version = "\(tenant)-v1"
            $0.features = features
            $0.weights = features.map { $0 == "website_visits_log" ? 2.0 : 0 }
            $0.intercept = -1
            $0.means = features.map { _ in 0 }
            $0.scales = features.map { _ in 1 }
        }
    }

    func scored(_ mode: String, weight: Double = 0.5, tenant: String = "acme", publish: ScoringModel? = model()) async throws -> LeadScored {
        var config = try shippedScoring()
        if mode != "none" {
            config.models = .init(default: .rules, tenants: ["acme": .init(mode: .init(rawValue: mode)!, modelWeight: weight)])
        }
        let tier = ScoringTier(config: config)
        if let publish {
            // A model of other features is refused with the reason (the runtime logs it and the rules go on scoring).
            let refusal: (any Error)?
            do {
                try await tier.global(InboundEvent(
                    envelope: EventEnvelope(source: "test", type: ScoringModel.eventType, tenantID: publish.tenantID), event: publish,
                    topic: "scoring.models", partition: 0, offset: 0, key: publish.tenantID))
                refusal = nil
            } catch { refusal = error }
            #expect((refusal == nil) == (publish.features == LeadFeatures.names))
            #expect(refusal.map { "\($0)".contains("not this build's") } ?? true)
        }
        var input = lead("L-1") { $0.websiteVisits = 20; $0.tenantID = tenant }
        input.tenantID = tenant
        var state = TierState.detached()
        let emits = try await tier.handle(
            InboundEvent(
                envelope: EventEnvelope(source: "test", type: LeadCaptured.eventType, tenantID: tenant), event: input,
                topic: "leads.captured", partition: 0, offset: 0, key: "L-1", payload: try input.serializedBytes()),
            state: &state, now: Date())
        return try LeadScored(serializedBytes: try #require(emits.first?.encoded))
    }

    @Test("blend, model and shadow: the total as the mode says, the model's score, version and reasons beside the rules'")
    func modes() async throws {
        let rules = try await scored("rules")
        #expect(rules.modelVersion.isEmpty && rules.modelScore == 0, "rules mode ignores the model")
        let probability = 1 / (1 + exp(-(-1 + 2 * log(21.0))))
        let modelScore = Int32((probability * 100).rounded())
        let blend = try await scored("blend", weight: 0.25)
        #expect(blend.modelVersion == "acme-v1" && blend.modelScore == modelScore && blend.rulesScore == rules.total)
        #expect(blend.total == Int32((0.25 * Double(modelScore) + 0.75 * Double(rules.total)).rounded()))
        #expect(blend.reasons.contains { $0.component == "model" && $0.factor == "website_visits_log" && $0.points > 0 })
        #expect(try await scored("model").total == modelScore)
        let shadow = try await scored("shadow")
        #expect(shadow.total == rules.total && shadow.modelScore == modelScore)
        #expect(try await scored("blend", tenant: "globex").modelVersion.isEmpty, "another tenant has no model")
        #expect(try await scored("blend", publish: Self.model(features: ["old_feature"])).modelVersion.isEmpty,
                "a model of other features is ignored")
    }
}

@Suite("A published model reaches running scoring processes")
struct ModelPublishingTests {
    @Test("a model published on scoring.models is used by a running scoring tier without a restart")
    func pickedUpWhileRunning() async throws {
        let broker = try EmbeddedBroker(logger: testLogger())
        let topics = PipelineTopics(prefix: uniqueTopic("models") + ".")
        for topic in [topics.captured, topics.captured + ".dlq", topics.scored, topics.named("scoring.changelog"), topics.named("scoring.models")] {
            try broker.createTopic(topic, partitions: 3)
        }
        var config = try shippedScoring()
        config.models = .init(default: .rules, tenants: ["acme": .init(mode: .blend, modelWeight: 0.5)])
        var settings = TierSettings(
            name: "scoring", groupID: topics.named("scoring"), inputs: [topics.captured], changelog: topics.named("scoring.changelog"),
            kafka: broker.kafkaConfig, instanceID: "0")
        settings.consumerProperties = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "300"]
        settings.outputTopics = [LeadScored.eventType: topics.scored]
        let runner = TierRunner(
            settings: settings, tier: ScoringTier(config: config, modelTopics: [topics.named("scoring.models")]), logger: testLogger())
        let task = Task { try await runner.run() }
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: testLogger())
        _ = try await producer.send(try EventRecord.make(lead("before"), source: "test", topic: topics.captured).0)
        let first = try await read(broker, topic: topics.scored, count: 1)
        #expect(try LeadScored(serializedBytes: first[0].value).modelVersion.isEmpty, "no model yet: the rules")

        _ = try await producer.send(try EventRecord.make(ScoringTierModelTests.model(), source: "test", topic: topics.named("scoring.models")).0)
        // Leads keep coming until one is scored with the model (the process reads the model when it reads it).
        var usedModel = false
        for sent in 1...60 where !usedModel {
            _ = try await producer.send(try EventRecord.make(lead("after-\(sent)"), source: "test", topic: topics.captured).0)
            let scored = try await read(broker, topic: topics.scored, count: sent + 1)
            usedModel = scored.contains { (try? LeadScored(serializedBytes: $0.value))?.modelVersion == "acme-v1" }
        }
        #expect(usedModel, "a lead scored after the model was published carries its version")
        runner.stop()
        try await task.value
        await producer.close()
    }
}
