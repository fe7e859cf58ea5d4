import BizflowPostgres
import BizflowWorkload
import Foundation

/// What the read models show after a demo run, compared with what its plan leads to.
package struct DemoOutcome: Sendable {
    package var leads = 0
    package var scoredLeads = 0
    package var assignedLeads = 0
    package var convertedLeads = 0
    package var nurtureMessages = 0
    package var deliveredMessages = 0
    /// Orders per final status.
    package var statuses: [String: Int] = [:]
    package var lowStockAlerts = 0
    package var escalatedReviews = 0

    package static func read(_ database: PostgresConnection) async throws -> DemoOutcome {
        let counts = try await database.query(
            """
            SELECT (SELECT count(*) FROM leads) AS leads,
                   (SELECT count(*) FROM leads WHERE scored_at IS NOT NULL) AS scored,
                   (SELECT count(*) FROM leads WHERE assigned_at IS NOT NULL) AS assigned,
                   (SELECT count(*) FROM leads WHERE converted_at IS NOT NULL) AS converted,
                   (SELECT count(*) FROM nurture_messages) AS messages,
                   (SELECT count(*) FROM nurture_messages WHERE status = 'delivered') AS delivered,
                   (SELECT count(*) FROM low_stock_alerts) AS alerts,
                   (SELECT count(*) FROM reviews WHERE escalated) AS escalated
            """)
        var outcome = DemoOutcome()
        outcome.leads = Int(counts.int(0, "leads") ?? 0)
        outcome.scoredLeads = Int(counts.int(0, "scored") ?? 0)
        outcome.assignedLeads = Int(counts.int(0, "assigned") ?? 0)
        outcome.convertedLeads = Int(counts.int(0, "converted") ?? 0)
        outcome.nurtureMessages = Int(counts.int(0, "messages") ?? 0)
        outcome.deliveredMessages = Int(counts.int(0, "delivered") ?? 0)
        outcome.lowStockAlerts = Int(counts.int(0, "alerts") ?? 0)
        outcome.escalatedReviews = Int(counts.int(0, "escalated") ?? 0)
        let statuses = try await database.query("SELECT status, count(*) AS n FROM orders GROUP BY status")
        for row in 0..<statuses.count {
            if let status = statuses.value(row, "status") { outcome.statuses[status] = Int(statuses.int(row, "n") ?? 0) }
        }
        return outcome
    }

    /// What differs from the plan's expectations (empty when the run is right).
    package func differences(from plan: WorkloadPlan) -> [String] {
        var problems: [String] = []
        if leads != plan.leads.count { problems.append("leads: \(leads) projected, \(plan.leads.count) captured") }
        if scoredLeads != plan.leads.count { problems.append("scored leads: \(scoredLeads) of \(plan.leads.count)") }
        let expected = plan.expectedStatuses
        for status in Set(expected.keys).union(statuses.keys).sorted() where (statuses[status] ?? 0) != (expected[status] ?? 0) {
            problems.append("orders \(status): \(statuses[status] ?? 0), expected \(expected[status] ?? 0)")
        }
        return problems
    }

    /// The summary file of a run: expectations, projections and the verdict.
    package func json(plan: WorkloadPlan, problems: [String]) throws -> String {
        let object: [String: Any] = [
            "seed": plan.seed, "ok": problems.isEmpty, "problems": problems,
            "expected": ["leads": plan.leads.count, "orders": plan.expectedStatuses],
            "projected": [
                "leads": leads, "scored": scoredLeads, "assigned": assignedLeads, "converted": convertedLeads,
                "nurture_messages": nurtureMessages, "delivered_messages": deliveredMessages, "orders": statuses,
                "low_stock_alerts": lowStockAlerts, "escalated_reviews": escalatedReviews,
            ],
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self)
    }
}
