import BizflowEvents
import BizflowRuntime
import Foundation
import SwiftProtobuf

/// Assigns scored leads to reps by configurable rules, tracks rep workload, escalates assignments not accepted
/// within their SLA, and applies manual reassignments (HITL).
public actor AssignmentTier: Tier {
    static let workload = "workload"
    static let cursor = "cursor"
    static let assignments = "assignments"
    static let slaTimer = "sla"

    /// A lead's current assignment.
    struct Assignment: Codable, Equatable {
        var repID: String
        var strategy: String
        var accepted: Bool
        var closed: Bool
        var scored: [UInt8]
        /// SLA misses so far: the first reassigns (when configured), the next notifies the manager.
        var escalations: Int? = 0
    }

    let config: AssignmentConfig
    let selector: RepSelector

    /// Its events go to the topics the topology routes them to (`leads.assigned`).
    public init(config: AssignmentConfig, partitions: Int) {
        self.config = config
        self.selector = RepSelector(reps: config.reps, weights: config.hybridWeights, partitions: partitions)
    }

    public func handle(_ input: InboundEvent, state: inout TierState, now: Date) async throws -> [Emit] {
        switch input.event {
        case let scored as LeadScored:
            // The scored lead as it arrived: stored and embedded in the outputs as is, never encoded again.
            return try assign(scored, encoded: input.payload ?? scored.serializedBytes(), key: input.key, state: &state, now: now)
        case let engagement as LeadEngagement:
            engaged(engagement, key: input.key, state: &state)
            return []
        case let command as AcceptAssignment:
            try accept(command, key: input.key, state: &state)
            return []
        case let command as ReassignLead:
            return try reassign(command, key: input.key, state: &state, now: now)
        case let recycled as LeadRecycled where recycled.action == .reassign:
            return try recycle(recycled, key: input.key, state: &state, now: now)
        default:
            return []
        }
    }

    public func fire(_ timer: DurableTimer, state: inout TierState, now: Date) async throws -> [Emit] {
        guard timer.name == Self.slaTimer, var current = state.value(Assignment.self, Self.assignments, timer.key),
            !current.accepted, !current.closed
        else { return [] }
        var escalated = AssignmentEscalated()
        escalated.leadID = timer.key
        escalated.tenantID = timer.tenantID
        escalated.repID = current.repID
        escalated.escalatedAt = Google_Protobuf_Timestamp(date: now)
        escalated.reason = "not accepted within \(Int(config.slaMinutes)) minutes"
        current.escalations = (current.escalations ?? 0) + 1
        guard config.onSLAMiss == .reassign, current.escalations == 1,
            let moved = try moveToAnotherRep(
                &current, key: timer.key, tenant: timer.tenantID, strategy: "escalation", reason: escalated.reason,
                state: &state, now: now)
        else {
            escalated.action = "notify_manager"
            state.set(current, Self.assignments, timer.key)
            return [Emit(escalated)]
        }
        escalated.action = "reassigned"
        escalated.newRepID = current.repID
        return [Emit(escalated), moved]
    }

    /// Moves an open assignment to the rep the fallback strategy picks among the others, and returns its
    /// `LeadAssigned`; nil (and nothing changed) when nobody else fits.
    func moveToAnotherRep(
        _ current: inout Assignment, key: String, tenant: String, strategy: String, reason: String,
        state: inout TierState, now: Date
    ) throws -> Emit? {
        guard let scored = try? LeadScored(serializedBytes: current.scored),
            let choice = selector.choose(
                config.fallback, for: scored.lead, workload: workload(state), cursor: 0, excluding: [current.repID])
        else { return nil }
        adjust(current.repID, by: -1, state: &state)
        adjust(choice.rep.id, by: 1, state: &state)
        let previous = current.repID
        current.repID = choice.rep.id
        current.strategy = strategy
        current.accepted = false
        state.set(current, Self.assignments, key)
        scheduleSLA(key, tenant: tenant, state: &state, now: now)
        return try emit(assigned(scored, choice.rep, strategy: strategy, previous: previous, reason: reason, now: now), current.scored)
    }

    private func assign(_ scored: LeadScored, encoded: [UInt8], key: String, state: inout TierState, now: Date) throws -> [Emit] {
        if let current = state.value(Assignment.self, Self.assignments, key), !current.closed {
            return []  // re-scores of an assigned lead are for nurture, not a new assignment
        }
        if scored.band == .disqualified {
            let why = scored.reasons.first.map { "\($0.factor): \($0.detail)" } ?? "below the cold threshold"
            return [try emit(unassigned(scored, reason: "disqualified (\(why))", now: now), encoded)]
        }
        let rule = config.rule(for: scored)
        let load = workload(state)
        let cursor = state.int(Self.cursor, "round_robin") ?? 0
        guard
            let choice = selector.choose(rule.strategy, for: scored.lead, workload: load, cursor: cursor)
                ?? selector.choose(config.fallback, for: scored.lead, workload: load, cursor: cursor)
        else {
            return [try emit(unassigned(scored, reason: "no active rep has capacity left", now: now), encoded)]
        }
        if choice.cursor != cursor { state.set(choice.cursor, Self.cursor, "round_robin") }
        adjust(choice.rep.id, by: 1, state: &state)
        state.set(
            Assignment(
                repID: choice.rep.id, strategy: rule.strategy.rawValue, accepted: false, closed: false,
                scored: encoded), Self.assignments, key)
        scheduleSLA(key, tenant: scored.tenantID, state: &state, now: now)
        let reason = "\(rule.name ?? rule.strategy.rawValue): \(choice.reason)"
        var emits = [try emit(assigned(scored, choice.rep, strategy: rule.strategy.rawValue, previous: "", reason: reason, now: now), encoded)]
        if rule.actions?.contains("notify_manager") == true {
            var notice = AssignmentEscalated()
            notice.leadID = key
            notice.tenantID = scored.tenantID
            notice.repID = choice.rep.id
            notice.action = "notify_manager"
            notice.reason = "rule \(rule.name ?? rule.strategy.rawValue): score \(scored.total)"
            notice.escalatedAt = Google_Protobuf_Timestamp(date: now)
            emits.append(Emit(notice))
        }
        return emits
    }

    private func engaged(_ engagement: LeadEngagement, key: String, state: inout TierState) {
        guard var current = state.value(Assignment.self, Self.assignments, key), !current.closed else { return }
        switch engagement.kind {
        case .reply, .meetingBooked:
            current.accepted = true
            state.cancelTimer(key: key, name: Self.slaTimer)
        case .converted, .unsubscribed:
            current.closed = true
            adjust(current.repID, by: -1, state: &state)
            state.cancelTimer(key: key, name: Self.slaTimer)
        default:
            return
        }
        state.set(current, Self.assignments, key)
    }

    private func accept(_ command: AcceptAssignment, key: String, state: inout TierState) throws {
        guard var current = state.value(Assignment.self, Self.assignments, key), !current.closed else {
            throw TierError.invalid("lead \(key) has no open assignment to accept")
        }
        guard command.repID.isEmpty || command.repID == current.repID else {
            throw TierError.invalid("lead \(key) is assigned to another rep, not \(command.repID)")
        }
        current.accepted = true
        state.set(current, Self.assignments, key)
        state.cancelTimer(key: key, name: Self.slaTimer)
    }

    private func reassign(_ command: ReassignLead, key: String, state: inout TierState, now: Date) throws -> [Emit] {
        var problems: [String] = []
        if command.actor.isEmpty { problems.append("actor is required") }
        if command.reason.isEmpty { problems.append("reason is required") }
        let rep = config.reps.first { $0.id == command.repID }
        if rep == nil { problems.append("rep \(command.repID) is not in reps.yaml") }
        if let rep, !rep.active { problems.append("rep \(rep.id) is not active") }
        guard problems.isEmpty, let rep else { throw TierError.invalid(problems.joined(separator: "; ")) }
        guard var current = state.value(Assignment.self, Self.assignments, key),
            let scored = try? LeadScored(serializedBytes: current.scored)
        else { throw TierError.invalid("lead \(key) has not been assigned yet: nothing to reassign") }
        let previous = current.repID
        if !current.closed { adjust(previous, by: -1, state: &state) }
        adjust(rep.id, by: 1, state: &state)
        current = Assignment(repID: rep.id, strategy: "manual", accepted: false, closed: false, scored: current.scored)
        state.set(current, Self.assignments, key)
        scheduleSLA(key, tenant: scored.tenantID, state: &state, now: now)
        let reason = "manual by \(command.actor): \(command.reason)"
        return [try emit(assigned(scored, rep, strategy: "manual", previous: previous, reason: reason, now: now), current.scored)]
    }

    // MARK: Helpers

    func workload(_ state: TierState) -> [String: Int] {
        var result: [String: Int] = [:]
        for rep in config.reps { result[rep.id] = state.int(Self.workload, rep.id) ?? 0 }
        return result
    }

    func adjust(_ repID: String, by delta: Int, state: inout TierState) {
        let value = max(0, (state.int(Self.workload, repID) ?? 0) + delta)
        state.set(value, Self.workload, repID)
    }

    func scheduleSLA(_ key: String, tenant: String, state: inout TierState, now: Date) {
        state.schedule(
            DurableTimer(name: Self.slaTimer, key: key, due: now.addingTimeInterval(config.slaMinutes * 60), tenantID: tenant))
    }

    /// `event` with its scored lead written from `scored`, that lead's encoding as received or stored.
    func emit(_ event: LeadAssigned, _ scored: [UInt8]) throws -> Emit {
        try Emit(event, embedding: scored, asField: LeadAssigned.scoredField) { $0.clearScored() }
    }

    private func emit(_ event: LeadUnassigned, _ scored: [UInt8]) throws -> Emit {
        try Emit(event, embedding: scored, asField: LeadUnassigned.scoredField) { $0.clearScored() }
    }

    func assigned(_ scored: LeadScored, _ rep: Rep, strategy: String, previous: String, reason: String, now: Date)
        -> LeadAssigned
    {
        var assigned = LeadAssigned()
        assigned.leadID = scored.leadID
        assigned.tenantID = scored.tenantID
        assigned.repID = rep.id
        assigned.repName = rep.name
        assigned.team = rep.team
        assigned.strategy = strategy
        assigned.previousRepID = previous
        assigned.reason = reason
        assigned.scored = scored
        assigned.assignedAt = Google_Protobuf_Timestamp(date: now)
        return assigned
    }

    private func unassigned(_ scored: LeadScored, reason: String, now: Date) -> LeadUnassigned {
        var event = LeadUnassigned()
        event.leadID = scored.leadID
        event.tenantID = scored.tenantID
        event.reason = reason
        event.scored = scored
        event.queuedAt = Google_Protobuf_Timestamp(date: now)
        return event
    }
}
