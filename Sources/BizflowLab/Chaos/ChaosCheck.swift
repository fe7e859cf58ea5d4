import BizflowCLI
import BizflowPostgres
import BizflowWorkload
import Foundation

/// The oracle of a chaos run: what the read models must show for the run's inputs, and how they differ.
struct ChaosCheck {
    var plan: WorkloadPlan
    var poison: ChaosPoison?

    var expectedLeads: Int { plan.leads.count + (poison?.projectedLeads ?? 0) }
    var expectedStatuses: [String: Int] {
        var statuses = plan.expectedStatuses
        if let poison, poison.projectedOrders > 0 { statuses["placed", default: 0] += poison.projectedOrders }
        return statuses
    }

    /// Outcomes missing (lost) and outcomes beyond what the inputs allow (duplicated), with every difference named.
    func compare(_ outcome: DemoOutcome, stock: StockLedger) -> (lost: Int, duplicated: Int, problems: [String]) {
        var lost = 0, duplicated = 0
        var problems: [String] = []
        func tally(_ name: String, actual: Int, expected: Int) {
            guard actual != expected else { return }
            if actual < expected { lost += expected - actual } else { duplicated += actual - expected }
            problems.append("\(name): \(actual), expected \(expected)")
        }
        tally("leads", actual: outcome.leads, expected: expectedLeads)
        tally("scored leads", actual: outcome.scoredLeads, expected: plan.leads.count)
        let expected = expectedStatuses
        let orders = outcome.statuses.values.reduce(0, +)
        tally("orders", actual: orders, expected: expected.values.reduce(0, +))
        // Orders all there but in other statuses are neither lost nor duplicated: they are wrong, and named.
        for status in Set(expected.keys).union(outcome.statuses.keys).sorted()
        where (outcome.statuses[status] ?? 0) != (expected[status] ?? 0) {
            problems.append("orders \(status): \(outcome.statuses[status] ?? 0), expected \(expected[status] ?? 0)")
        }
        if stock.unbalanced > 0 {
            duplicated += stock.unbalanced
            problems.append("stock not conserved for \(stock.unbalanced) SKU/warehouse rows (available + reserved + shipped ≠ stock added)")
        }
        return (lost, duplicated, problems)
    }
}

/// Stock conservation in the read model: per SKU and warehouse, available + reserved + shipped equals every unit the
/// plan adds (initial stock and the restock; a return moves units from shipped back to available). A reservation
/// applied twice, or lost, breaks it.
struct StockLedger {
    var rows = 0
    var unbalanced = 0

    static func read(_ database: PostgresConnection, plan: WorkloadPlan) async throws -> StockLedger {
        var added: [String: Int64] = [:]
        for adjustment in plan.stock { added["\(adjustment.sku)/\(adjustment.warehouseID)", default: 0] += adjustment.delta }
        if plan.restock > 0 { added["\(WorkloadPlan.scarceSKU)/wh-newark", default: 0] += plan.restock }
        let result = try await database.query(
            "SELECT sku, warehouse_id, available + reserved + shipped AS total FROM inventory_levels WHERE tenant_id = $1",
            [.text(WorkloadPlan.tenant)])
        var ledger = StockLedger()
        for row in 0..<result.count {
            let key = "\(result.value(row, "sku") ?? "")/\(result.value(row, "warehouse_id") ?? "")"
            ledger.rows += 1
            if result.int(row, "total") != added[key] { ledger.unbalanced += 1 }
        }
        return ledger
    }
}
