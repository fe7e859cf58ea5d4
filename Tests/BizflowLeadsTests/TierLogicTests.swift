import BizflowEvents
@testable import BizflowLeads
import BizflowRuntime
import Foundation
import Testing

/// Drives a tier actor directly, as the runtime would, applying each handler's state writes.
struct TierDriver<T: Tier> {
    let tier: T
    var state = TierState.detached()
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// The input as the runtime hands it over: with the bytes the record arrived in.
    func input(_ event: any DomainEvent) throws -> InboundEvent {
        InboundEvent(
            envelope: EventEnvelope(source: "test", type: type(of: event).eventType, tenantID: event.tenantID),
            event: event, topic: "t", partition: 0, offset: 0, key: event.eventKey, payload: try event.serializedBytes())
    }

    mutating func send(_ event: any DomainEvent, at minutes: Double = 0) async throws -> [any DomainEvent] {
        try Self.checked(await tier.handle(input(event), state: &state, now: start.addingTimeInterval(minutes * 60)))
    }

    /// Fires the named timer of `key` as if its time had come.
    mutating func fire(_ name: String, key: String) async throws -> [any DomainEvent] {
        guard let timer = state.timer(key: key, name: name) else { return [] }
        state.cancelTimer(key: key, name: name)
        return try Self.checked(await tier.fire(timer, state: &state, now: timer.dueDate))
    }

    /// The emitted events, after checking that an emit the tier encoded itself (an embedded message spliced in from
    /// bytes it held) decodes to the very event it says it is: what the runtime writes is what the tier meant.
    static func checked(_ emits: [Emit]) throws -> [any DomainEvent] {
        for emit in emits {
            let embeds = emit.event is LeadScored || emit.event is LeadAssigned || emit.event is LeadUnassigned
            #expect(!embeds || emit.encoded != nil, "\(type(of: emit.event)) embeds a lead the tier holds encoded")
            guard let encoded = emit.encoded else { continue }
            let decoded = try type(of: emit.event).init(serializedBytes: encoded)
            #expect(decoded.isEqualTo(message: emit.event), "\(type(of: emit.event)) written as other bytes than the event")
        }
        return emits.map(\.event)
    }
}

@Suite("Tier logic: overrides, escalation, nurture triggers")
struct TierLogicTests {
    @Test("an override sets the score with an audit reason and sticks through re-scores; bad overrides are invalid")
    func scoreOverride() async throws {
        var driver = TierDriver(tier: ScoringTier(config: try shippedScoring()))
        let first = try #require(try await driver.send(lead()).first as? LeadScored)
        #expect(!first.overridden)
        let command = ScoreOverride.with {
            $0.leadID = "L1"
            $0.tenantID = "acme"
            $0.score = 20
            $0.actor = "maria"
            $0.reason = "existing customer"
        }
        let overridden = try #require(try await driver.send(command).first as? LeadScored)
        #expect(overridden.total == 20 && overridden.band == .cold && overridden.overridden)
        #expect(overridden.reasons.first?.component == "override")
        #expect(overridden.reasons.first?.detail == "existing customer")
        let engagement = LeadEngagement.with {
            $0.leadID = "L1"
            $0.tenantID = "acme"
            $0.kind = .reply
        }
        let rescored = try #require(try await driver.send(engagement).first as? LeadScored)
        #expect(rescored.total == 20 && rescored.engagement > first.engagement)

        for bad in [
            ScoreOverride.with { $0.leadID = "L1"; $0.tenantID = "acme"; $0.score = 150; $0.actor = "a"; $0.reason = "r" },
            ScoreOverride.with { $0.leadID = "L1"; $0.tenantID = "acme"; $0.score = 50; $0.reason = "r" },
            ScoreOverride.with { $0.leadID = "L1"; $0.tenantID = "acme"; $0.score = 50; $0.actor = "a"; $0.reason = "r"; $0.band = "tepid" },
            ScoreOverride.with { $0.leadID = "nobody"; $0.tenantID = "acme"; $0.score = 50; $0.actor = "a"; $0.reason = "r" },
        ] {
            await #expect(throws: TierError.self) { try await driver.send(bad) }
        }
    }

    @Test("a lead normalisation leaves unchanged is stored and embedded as the bytes it arrived in")
    func unchangedLeadBytes() async throws {
        var driver = TierDriver(tier: ScoringTier(config: try shippedScoring()))
        let clean = lead("L3") { $0.phone = "+14155550100" }
        let arrived: [UInt8] = try clean.serializedBytes()
        let scored = try #require(try await driver.send(clean).first as? LeadScored)
        #expect(scored.lead == clean)
        let stored = driver.state.bytes(ScoringTier.leads, "L3")
        #expect(stored == arrived, "stored as received, not re-encoded")
        // A messy lead is normalised: stored and embedded as its new encoding.
        let messy = try #require(try await driver.send(lead("L4") { $0.email = "Ada@BigCorp.com" }).first as? LeadScored)
        #expect(messy.lead.email == "ada@bigcorp.com")
        #expect(driver.state.bytes(ScoringTier.leads, "L4") == (try messy.lead.serializedBytes()))
    }

    func scored(_ band: QualificationBand, _ total: Int32, id: String = "L1") -> LeadScored {
        LeadScored.with {
            $0.leadID = id
            $0.tenantID = "acme"
            $0.band = band
            $0.total = total
            $0.lead = lead(id)
        }
    }

    @Test("assignment counts workload, escalates after the SLA, and takes manual reassignments and acceptances")
    func assignment() async throws {
        var driver = TierDriver(tier: AssignmentTier(config: try shippedReps(), partitions: 1))
        let out = try await driver.send(scored(.hot, 85))
        let assigned = try #require(out.first as? LeadAssigned)
        #expect(assigned.strategy == "performance")
        #expect(assigned.repID == "rep-ada", "best conversion among active reps")
        #expect(out.contains { ($0 as? AssignmentEscalated)?.action == "notify_manager" })
        #expect(try await driver.send(scored(.hot, 90)).isEmpty, "a re-score does not reassign")

        // Not accepted in time: reassigned to someone else, workload moves with it.
        let escalation = try await driver.fire(AssignmentTier.slaTimer, key: "L1")
        let moved = try #require(escalation.compactMap { $0 as? LeadAssigned }.first)
        #expect(moved.previousRepID == "rep-ada" && moved.repID != "rep-ada" && moved.strategy == "escalation")
        let load = await driver.tier.workload(driver.state)
        #expect(load["rep-ada"] == 0 && load[moved.repID] == 1)

        // Accepting stops the clock: no further escalation.
        _ = try await driver.send(AcceptAssignment.with { $0.leadID = "L1"; $0.tenantID = "acme"; $0.actor = moved.repID })
        #expect(driver.state.timer(key: "L1", name: AssignmentTier.slaTimer) == nil)

        // Manual reassignment needs an actor, a reason and a known active rep.
        let manual = try await driver.send(ReassignLead.with {
            $0.leadID = "L1"; $0.tenantID = "acme"; $0.repID = "rep-ken"; $0.actor = "boss"; $0.reason = "account owner"
        })
        #expect((manual.first as? LeadAssigned)?.repID == "rep-ken")
        #expect((manual.first as? LeadAssigned)?.reason.contains("boss") == true)
        for bad in ["rep-alan", "rep-nobody"] {
            await #expect(throws: TierError.self) {
                try await driver.send(ReassignLead.with { $0.leadID = "L1"; $0.tenantID = "acme"; $0.repID = bad; $0.actor = "b"; $0.reason = "r" })
            }
        }
        // Conversion closes the assignment and frees the rep.
        _ = try await driver.send(LeadEngagement.with { $0.leadID = "L1"; $0.tenantID = "acme"; $0.kind = .converted })
        #expect(await driver.tier.workload(driver.state).values.reduce(0, +) == 0)
        // Disqualified leads are queued unassigned with the reason.
        let queued = try #require(try await driver.send(scored(.disqualified, 0, id: "L2")).first as? LeadUnassigned)
        #expect(queued.reason.hasPrefix("disqualified"))
    }

    @Test("a second missed SLA notifies the manager and stops escalating")
    func secondMiss() async throws {
        var driver = TierDriver(tier: AssignmentTier(config: try shippedReps(), partitions: 1))
        _ = try await driver.send(scored(.warm, 55))
        let first = try await driver.fire(AssignmentTier.slaTimer, key: "L1")
        #expect(first.contains { ($0 as? AssignmentEscalated)?.action == "reassigned" })
        let second = try await driver.fire(AssignmentTier.slaTimer, key: "L1")
        #expect(second.count == 1 && (second.first as? AssignmentEscalated)?.action == "notify_manager")
        #expect(driver.state.timer(key: "L1", name: AssignmentTier.slaTimer) == nil)
    }

    func assigned(_ band: QualificationBand, _ total: Int32) -> LeadAssigned {
        LeadAssigned.with {
            $0.leadID = "L1"
            $0.tenantID = "acme"
            $0.repID = "rep-ada"
            $0.repName = "Ada Byron"
            $0.scored = scored(band, total)
        }
    }

    @Test("nurture sends steps on timers, advances on a click, moves on a re-score and stops on exit events")
    func nurture() async throws {
        var driver = TierDriver(tier: NurtureTier(campaigns: try shippedCampaigns()))
        _ = try await driver.send(assigned(.hot, 85))
        let step0 = try #require(try await driver.fire(NurtureTier.stepTimer, key: "L1").first as? NurtureMessage)
        #expect(step0.campaignID == "hot-demo" && step0.step == 0 && step0.subject == "Ada, a demo for BigCorp?")
        #expect(step0.recipient == "ada@bigcorp.com")
        let next = try #require(driver.state.timer(key: "L1", name: NurtureTier.stepTimer))
        #expect(next.dueDate.timeIntervalSince(driver.start) == 1440 * 60, "step 1 a day later")

        // A click brings the next step forward to now.
        _ = try await driver.send(LeadEngagement.with { $0.leadID = "L1"; $0.tenantID = "acme"; $0.kind = .emailClick }, at: 5)
        #expect(driver.state.timer(key: "L1", name: NurtureTier.stepTimer)?.dueDate == driver.start.addingTimeInterval(300))
        let step1 = try #require(try await driver.fire(NurtureTier.stepTimer, key: "L1").first as? NurtureMessage)
        #expect(step1.step == 1 && step1.channel == .sms)

        // A re-score into warm moves the lead to the warm campaign from its first step.
        _ = try await driver.send(scored(.warm, 55))
        let moved = try #require(try await driver.fire(NurtureTier.stepTimer, key: "L1").first as? NurtureMessage)
        #expect(moved.campaignID == "warm-education" && moved.step == 0)
        #expect(moved.messageID != step0.messageID)

        // Unsubscribing ends it: no timer left, nothing more sent.
        _ = try await driver.send(LeadEngagement.with { $0.leadID = "L1"; $0.tenantID = "acme"; $0.kind = .unsubscribed })
        #expect(driver.state.timer(key: "L1", name: NurtureTier.stepTimer) == nil)

        // A score drop below the campaign's floor ends it too.
        var other = TierDriver(tier: NurtureTier(campaigns: try shippedCampaigns()))
        _ = try await other.send(assigned(.hot, 85))
        _ = try await other.send(scored(.hot, 30))
        #expect(other.state.timer(key: "L1", name: NurtureTier.stepTimer) == nil)
    }

    @Test("what the lead tiers let expire: a lead's scoring state, closed assignments, exited enrolments; never live work")
    func expiry() async throws {
        var scoring = TierDriver(tier: ScoringTier(config: try shippedScoring()))
        _ = try await scoring.send(lead())
        _ = try await scoring.send(LeadEngagement.with { $0.leadID = "L1"; $0.tenantID = "acme"; $0.kind = .emailOpen })
        for store in [ScoringTier.leads, ScoringTier.activity] {
            #expect(scoring.tier.mayExpire(store: store, value: try #require(scoring.state.bytes(store, "L1"))))
        }

        var assignment = TierDriver(tier: AssignmentTier(config: try shippedReps(), partitions: 1))
        let rep = try #require((try await assignment.send(scored(.hot, 85)).first as? LeadAssigned)?.repID)
        func expires(_ driver: TierDriver<AssignmentTier>, _ store: String, _ key: String) throws -> Bool {
            driver.tier.mayExpire(store: store, value: try #require(driver.state.bytes(store, key)))
        }
        #expect(try !expires(assignment, AssignmentTier.assignments, "L1"), "open: it counts in the rep's workload")
        #expect(try !expires(assignment, AssignmentTier.workload, rep))
        _ = try await assignment.send(LeadEngagement.with { $0.leadID = "L1"; $0.tenantID = "acme"; $0.kind = .converted })
        #expect(try expires(assignment, AssignmentTier.assignments, "L1"), "closed")
        #expect(try !expires(assignment, AssignmentTier.workload, rep), "workloads stay, even at zero")

        var nurture = TierDriver(tier: NurtureTier(campaigns: try shippedCampaigns()))
        _ = try await nurture.send(assigned(.hot, 85))
        let enrolment = { (driver: TierDriver<NurtureTier>) in
            driver.tier.mayExpire(store: NurtureTier.enrolments, value: driver.state.bytes(NurtureTier.enrolments, "L1") ?? [])
        }
        #expect(!enrolment(nurture), "live in its campaign")
        _ = try await nurture.send(LeadEngagement.with { $0.leadID = "L1"; $0.tenantID = "acme"; $0.kind = .unsubscribed })
        #expect(enrolment(nurture), "exited")
    }
}

