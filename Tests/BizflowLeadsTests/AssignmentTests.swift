import BizflowEvents
@testable import BizflowLeads
import Testing

@Suite("Assignment: strategies, capacity, rules")
struct AssignmentTests {
    let reps = [
        Rep(id: "a", name: "A", skills: ["software", "integration"], territories: ["US"], capacity: 2, conversionRate: 0.1),
        Rep(id: "b", name: "B", skills: ["finance"], territories: ["DE", "GB"], capacity: 2, conversionRate: 0.4),
        Rep(id: "c", name: "C", skills: ["software"], territories: ["GB"], capacity: 4, conversionRate: 0.2),
        Rep(id: "off", name: "Off", skills: ["software", "finance"], territories: ["US", "DE"], capacity: 9, active: false, conversionRate: 0.9),
    ]
    let weights = AssignmentConfig.HybridWeights(skill: 0.4, territory: 0.3, workload: 0.2, performance: 0.1)
    var selector: RepSelector { RepSelector(reps: reps, weights: weights, partitions: 1) }

    @Test("round-robin rotates through active reps with room, skipping the rest")
    func roundRobin() {
        var cursor = 0
        var picked: [String] = []
        var load: [String: Int] = ["b": 2]  // b is full
        for _ in 0..<4 {
            let choice = selector.choose(.roundRobin, for: lead(), workload: load, cursor: cursor)!
            picked.append(choice.rep.id)
            cursor = choice.cursor
            load[choice.rep.id, default: 0] += 1
        }
        #expect(picked == ["a", "c", "a", "c"])
    }

    @Test("each strategy picks the expected rep", arguments: [
        (AssignmentStrategy.skill, "software", "US", "a"),  // a and c both know software: tie broken by id
        (.skill, "finance", "US", "b"),
        (.territory, "software", "DE", "b"),
        (.territory, "software", "GB", "b"),  // b and c cover GB; both empty: tie broken by id
        (.performance, "software", "US", "b"),
        (.workload, "software", "US", "a"),  // all empty: tie broken by id
        (.hybrid, "software", "US", "a"),
        (.hybrid, "finance", "GB", "b"),
    ])
    func strategies(strategy: AssignmentStrategy, industry: String, country: String, expected: String) {
        let lead = lead {
            $0.industry = industry
            $0.country = country
            $0.serviceRequirements = []
        }
        let choice = selector.choose(strategy, for: lead, workload: [:], cursor: 0)
        #expect(choice?.rep.id == expected)
    }

    @Test("workload picks the least loaded relative to capacity")
    func workload() {
        let choice = selector.choose(.workload, for: lead(), workload: ["a": 1, "b": 1, "c": 1], cursor: 0)
        #expect(choice?.rep.id == "c")  // 1/4 beats 1/2
    }

    @Test("nobody fits: no skill match, or every rep full or inactive")
    func nobody() {
        #expect(selector.choose(.skill, for: lead { $0.industry = "mining"; $0.serviceRequirements = [] }, workload: [:], cursor: 0) == nil)
        #expect(selector.choose(.workload, for: lead(), workload: ["a": 2, "b": 2, "c": 4], cursor: 0) == nil)
        #expect(selector.choose(.territory, for: lead { $0.country = "JP" }, workload: [:], cursor: 0) == nil)
    }

    @Test("capacity is shared across partitions, rounded up")
    func capacityShare() {
        let six = RepSelector(reps: reps, weights: weights, partitions: 6)
        #expect(six.capacityShare(reps[2]) == 1)
        #expect(RepSelector(reps: [Rep(id: "x", name: "X", capacity: 13)], weights: weights, partitions: 6).capacityShare(Rep(id: "x", name: "X", capacity: 13)) == 3)
    }

    @Test("rules choose the strategy by band, score and source; the shipped file is valid")
    func rules() throws {
        let config = try shippedReps()
        #expect(config.problems().isEmpty)
        func scored(_ band: QualificationBand, _ total: Int32, _ source: LeadSource = .webForm) -> LeadScored {
            LeadScored.with {
                $0.band = band
                $0.total = total
                $0.lead = lead { $0.source = source }
            }
        }
        #expect(config.rule(for: scored(.hot, 85)).strategy == .performance)
        #expect(config.rule(for: scored(.hot, 85)).actions == ["notify_manager"])
        #expect(config.rule(for: scored(.hot, 75)).strategy == .hybrid)
        #expect(config.rule(for: scored(.warm, 50, .referral)).strategy == .skill)
        #expect(config.rule(for: scored(.warm, 50)).strategy == .territory)
        #expect(config.rule(for: scored(.cold, 10)).strategy == .roundRobin)
        var bad = config
        bad.reps.append(config.reps[0])
        bad.rules[0].when?.bands = ["lukewarm"]
        #expect(bad.problems().count == 2)
    }
}
