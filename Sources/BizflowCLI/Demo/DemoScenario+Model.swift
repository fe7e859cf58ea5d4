import BizflowEvents
import BizflowLeads
import BizflowWorkload
import Foundation

extension DemoScenario {
    /// Mid-run: once every lead is scored and its outcome projected, trains the tenant's scoring model on them (as
    /// `bizflow model train` does), prints how it does against the rules on the latest leads, and publishes it: the
    /// scoring tier (shadow mode for the demo tenant in scoring.yaml) scores later engagement with both.
    func trainModel(send: @Sendable ([any DomainEvent], String) async throws -> Void) async throws {
        let converted = Int64(Set(plan.engagements.filter { $0.kind == .converted }.map(\.leadID)).count)
        let leads = Int64(plan.leads.count)
        try await waitFor("scores", total: leads) {
            try await database.query("SELECT count(*) AS c FROM leads WHERE features IS NOT NULL").int(0, "c") ?? 0
        }
        try await waitFor("conversions", total: converted) {
            try await database.query("SELECT count(*) AS c FROM leads WHERE converted_at IS NOT NULL").int(0, "c") ?? 0
        }
        let rows = try await ModelCommand.trainingRows(
            tenant: WorkloadPlan.tenant, since: "1970-01-01", until: "9999-12-31", database: database)
        let model = try ModelTrainer.train(rows, tenant: WorkloadPlan.tenant, version: "\(WorkloadPlan.tenant)-demo-\(plan.seed)")
        print("▶ a scoring model learned from \(rows.count) leads' outcomes (the demo's hidden ground truth, which the rules do not know):")
        print(ModelCommand.describe(model).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        try await send([model], "scoring.models")
        print("▶ published \(model.version) on scoring.models: scoring runs it in shadow beside the rules from now on")
    }
}
