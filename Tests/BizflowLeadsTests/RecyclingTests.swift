import BizflowConfig
import BizflowEvents
@testable import BizflowLeads
import BizflowRuntime
import Foundation
import Testing

@Suite("Recycling: stalled leads back to assignment or nurture")
struct RecyclingTests {
    let helpers = TierLogicTests()

    func shippedRecycling() throws -> RecyclingConfig { try RecyclingConfig.load(path: topologyDirectory + "/recycling.yaml") }

    func engagement(_ kind: EngagementKind) -> LeadEngagement {
        LeadEngagement.with { $0.leadID = "L1"; $0.tenantID = "acme"; $0.kind = kind }
    }

    @Test("assigned and not contacted for the configured hours: recycled for a new rep with the rule's reason; a reply stops it")
    func uncontacted() async throws {
        var driver = TierDriver(tier: RecyclingTier(config: try shippedRecycling()))
        _ = try await driver.send(helpers.assigned(.hot, 85))
        let timer = try #require(driver.state.timer(key: "L1", name: RecyclingTier.uncontactedTimer))
        #expect(timer.dueDate.timeIntervalSince(driver.start) == 72 * 3600, "recycling.yaml: after_hours 72")
        let recycled = try #require(try await driver.fire(RecyclingTier.uncontactedTimer, key: "L1").first as? LeadRecycled)
        #expect(recycled.rule == "uncontacted" && recycled.action == .reassign && recycled.repID == "rep-ada")
        #expect(recycled.reason == "assigned to rep-ada 3 days ago and not contacted since")
        #expect(recycled.scored.total == 85 && recycled.scored.lead.email == "ada@bigcorp.com", "the next tier needs nothing else")

        var contacted = TierDriver(tier: RecyclingTier(config: try shippedRecycling()))
        _ = try await contacted.send(helpers.assigned(.hot, 85))
        _ = try await contacted.send(engagement(.reply), at: 60)
        #expect(contacted.state.timer(key: "L1", name: RecyclingTier.uncontactedTimer) == nil)
        #expect(try await contacted.fire(RecyclingTier.uncontactedTimer, key: "L1").isEmpty)
    }

    @Test("cold for the configured days: back to nurture; warming up disarms it, converting closes the lead for good")
    func cold() async throws {
        var driver = TierDriver(tier: RecyclingTier(config: try shippedRecycling()))
        _ = try await driver.send(helpers.scored(.cold, 22))
        _ = try await driver.send(helpers.scored(.cold, 25), at: 60)
        let timer = try #require(driver.state.timer(key: "L1", name: RecyclingTier.coldTimer))
        #expect(timer.dueDate.timeIntervalSince(driver.start) == 30 * 86_400, "armed by the first cold score, not re-armed")
        let recycled = try #require(try await driver.fire(RecyclingTier.coldTimer, key: "L1").first as? LeadRecycled)
        #expect(recycled.rule == "cold" && recycled.action == .nurture && recycled.reason == "cold for 30 days (score 25)")

        _ = try await driver.send(helpers.scored(.warm, 55))
        #expect(driver.state.timer(key: "L1", name: RecyclingTier.coldTimer) == nil, "warmer: disarmed")
        _ = try await driver.send(helpers.scored(.cold, 20))
        _ = try await driver.send(engagement(.converted))
        #expect(driver.state.timer(key: "L1", name: RecyclingTier.coldTimer) == nil)
        #expect(try await driver.send(helpers.assigned(.hot, 85)).isEmpty)
        #expect(driver.state.timer(key: "L1", name: RecyclingTier.uncontactedTimer) == nil, "a converted lead is never recycled")
        #expect(driver.tier.mayExpire(store: RecyclingTier.leads, value: driver.state.bytes(RecyclingTier.leads, "L1") ?? []))
    }

    @Test("the assignment tier moves a recycled lead to another rep (not when it has moved on); nurture starts it again")
    func takenBack() async throws {
        var assignment = TierDriver(tier: AssignmentTier(config: try shippedReps(), partitions: 1))
        let first = try #require(try await assignment.send(helpers.scored(.hot, 85)).first as? LeadAssigned)
        var recycled = LeadRecycled.with {
            $0.leadID = "L1"; $0.tenantID = "acme"; $0.rule = "uncontacted"; $0.action = .reassign; $0.repID = first.repID
            $0.reason = "assigned to \(first.repID) 3 days ago and not contacted since"; $0.scored = helpers.scored(.hot, 85)
        }
        let moved = try #require(try await assignment.send(recycled, at: 4_320).first as? LeadAssigned)
        #expect(moved.strategy == "recycled" && moved.previousRepID == first.repID && moved.repID != first.repID)
        #expect(moved.reason.hasPrefix("uncontacted: assigned to"))
        #expect(try await assignment.send(recycled).isEmpty, "already with another rep: nothing to do")

        var nurture = TierDriver(tier: NurtureTier(campaigns: try shippedCampaigns()))
        _ = try await nurture.send(helpers.assigned(.cold, 25))
        let step0 = try #require(try await nurture.fire(NurtureTier.stepTimer, key: "L1").first as? NurtureMessage)
        recycled.rule = "cold"
        recycled.action = .nurture
        recycled.repID = "rep-ada"
        recycled.scored = helpers.scored(.cold, 25)
        _ = try await nurture.send(recycled)
        let again = try #require(try await nurture.fire(NurtureTier.stepTimer, key: "L1").first as? NurtureMessage)
        #expect(again.campaignID == "cold-reengage" && again.step == 0 && again.messageID != step0.messageID)
    }

    @Test("a bad recycling.yaml names the file and the field")
    func badConfig() throws {
        #expect(throws: ConfigError.self) {
            try ConfigFile.parse(RecyclingConfig.self, "cold: { after_days: 30, action: recycle }\n", file: "recycling.yaml")
        }
        let config = try ConfigFile.parse(RecyclingConfig.self, "uncontacted: { after_hours: 0, action: reassign }\n", file: "r.yaml")
        #expect(config.problems() == ["uncontacted.after_hours must be more than 0"])
    }
}
