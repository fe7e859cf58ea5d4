import BizflowEvents
import BizflowPostgres

extension Projection {
    /// A lead sent back into the funnel: one row per recycling (the new assignment or enrolment that follows is
    /// projected from its own event).
    static func leadRecycled(_ e: LeadRecycled, _ context: Context) -> [PostgresStatement] {
        let action = e.action == .reassign ? "reassign" : e.action == .nurture ? "nurture" : "unspecified"
        return [
            PostgresStatement(
                """
                INSERT INTO lead_recycles (tenant_id, event_id, lead_id, rule, action, rep_id, reason, score, recycled_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING
                """,
                [
                    .text(e.tenantID), context.id, .text(e.leadID), .text(e.rule), .text(action), text(e.repID), text(e.reason),
                    .int(Int64(e.scored.total)), context.at(e.recycledAt, set: e.hasRecycledAt),
                ])
        ]
    }
}

// The event types these read models take, each registered once beside its statements.
extension LeadRecycled: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.leadRecycled(self, context) }
}
