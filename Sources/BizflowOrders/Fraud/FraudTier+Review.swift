import BizflowEvents
import BizflowRuntime
import Foundation

extension FraudTier {
    /// A reviewer's decision on an order in review: it continues (approved) or ends (rejected).
    func review(_ decision: ReviewDecision, state: inout TierState, now: Date) throws -> [Emit] {
        var problems: [String] = []
        if decision.reviewer.isEmpty { problems.append("reviewer is required") }
        if decision.decision != .approve && decision.decision != .reject {
            problems.append("decision must be approve or reject")
        }
        guard problems.isEmpty else { throw TierError.invalid(problems.joined(separator: "; ")) }
        let key = OrderKey.scoped(decision.tenantID, decision.orderID)
        guard let fraudCase = state.value(FraudCase.self, Self.cases, key), fraudCase.phase == .inReview,
            let order = try? OrderPlaced(serializedBytes: fraudCase.order)
        else {
            let phase = state.value(FraudCase.self, Self.cases, key)?.phase.rawValue ?? "unknown"
            throw TierError.invalid("order \(decision.orderID) is not in review (it is \(phase)): nothing to decide")
        }
        var assessment = rules.assess(order, counts: fraudCase.counts)
        let approve = decision.decision == .approve
        assessment.decision = approve ? .approve : .reject
        var note = RiskReason()
        note.rule = "review"
        note.detail = "\(approve ? "approved" : "rejected") by \(decision.reviewer)"
            + (decision.note.isEmpty ? "" : ": \(decision.note)")
        assessment.reasons.insert(note, at: 0)
        state.set(FraudCase(phase: approve ? .approved : .rejected), Self.cases, key)
        state.cancelTimer(key: key, name: Self.slaTimer)
        return [
            Emit(assessed(order, assessment, decidedBy: decision.reviewer, now: now)),
            status(
                order, approve ? .approved : .rejected, from: .inReview,
                reason: decision.note.isEmpty ? "review" : decision.note, actor: decision.reviewer, now: now),
        ]
    }

    /// Cancels an order the fraud tier still holds (being assessed or in review). Approved orders belong to the
    /// inventory and fulfilment tiers, which take the same command; a cancel that overtakes its order waits for it.
    func cancel(_ command: CancelOrder, state: inout TierState, now: Date) throws -> [Emit] {
        try command.validate()
        let key = OrderKey.scoped(command.tenantID, command.orderID)
        guard let fraudCase = state.value(FraudCase.self, Self.cases, key) else {
            state.set(
                FraudCase(phase: .cancelRequested, cancelActor: command.actor, cancelReason: command.reason), Self.cases, key)
            return []
        }
        switch fraudCase.phase {
        case .probing, .inReview:
            state.set(FraudCase(phase: .cancelled), Self.cases, key)
            state.cancelTimer(key: key, name: Self.slaTimer)
            return [
                Emit(
                    OrderStatusChanged.make(
                        command.orderID, tenant: command.tenantID, to: .cancelled,
                        from: fraudCase.phase == .inReview ? .inReview : .placed, reason: command.reason,
                        actor: command.actor, at: now))
            ]
        case .rejected:
            throw TierError.invalid("order \(command.orderID) was rejected: there is nothing to cancel")
        case .approved, .cancelled, .cancelRequested:
            return []
        }
    }

    /// A review not decided within its SLA is escalated once.
    func slaMissed(_ timer: DurableTimer, state: inout TierState, now: Date) throws -> [Emit] {
        guard timer.name == Self.slaTimer, let fraudCase = state.value(FraudCase.self, Self.cases, timer.key),
            fraudCase.phase == .inReview, let order = try? OrderPlaced(serializedBytes: fraudCase.order)
        else { return [] }
        return [
            Emit(
                reviewRequested(order, rules.assess(order, counts: fraudCase.counts), escalated: true, now: now))
        ]
    }
}
