import BizflowEvents
import BizflowPostgres

// Human-in-the-loop commands go to the command log (`commands`), one row each.
extension ScoreOverride: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] {
        [Projection.command(tenantID, "score_override", leadID, commandID, actor, reason, ["score": Int(score), "band": band], requestedAt, context)]
    }
}

extension ReassignLead: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] {
        [Projection.command(tenantID, "reassign", leadID, commandID, actor, reason, ["rep_id": repID], requestedAt, context)]
    }
}

extension AcceptAssignment: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] {
        [Projection.command(tenantID, "accept", leadID, commandID, actor, "", ["rep_id": repID], acceptedAt, context)]
    }
}

extension CancelOrder: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] {
        [Projection.command(tenantID, "cancel", orderID, commandID, actor, reason, [:], requestedAt, context)]
    }
}
