import BizflowEvents
import BizflowPostgres
@testable import BizflowProjector
import BizflowTestSupport
import Foundation
import Testing

@Suite("Tenant isolation and analytics on a real PostgreSQL", .enabled(if: postgresAvailable, "needs PostgreSQL: run ops/test"))
struct TenantIsolationTests {
    static let views = [
        "lead_funnel", "conversion_by_source", "rep_performance", "campaign_effectiveness", "order_pipeline", "fraud_overview",
        "review_backlog", "backorders_by_sku", "fulfilment_latency", "revenue_daily", "engagement_attribution",
        "order_attribution", "lead_first_orders", "model_comparison",
    ]

    /// Two tenants' worth of every event, projected directly.
    func twoTenants() async throws -> TestDatabase {
        let database = try await TestDatabase.create()
        var index = 0
        var statements: [PostgresStatement] = []
        for tenant in ["tenant-a", "tenant-b"] {
            for event in sampleEvents(tenant: tenant) {
                index += 1
                let envelope = EventEnvelope(
                    id: "00000000-0000-0000-0000-\(String(format: "%012d", index))", source: "test",
                    type: type(of: event).eventType, time: Date(timeIntervalSince1970: 1_790_000_000), tenantID: tenant)
                statements += Projection.statements(for: event, envelope: envelope)
            }
        }
        // One more delivered order for tenant-a, so the revenue and latency views have rows.
        let at = Date(timeIntervalSince1970: 1_790_000_000)
        statements += [
            PostgresStatement(
                """
                INSERT INTO orders (tenant_id, order_id, currency, total, status, placed_at, shipped_at, delivered_at, updated_at)
                VALUES ('tenant-a', 'O-9', 'EUR', 5000, 'delivered', $1, $2, $3, $3)
                """, [.timestamp(at), .timestamp(at.addingTimeInterval(3_600)), .timestamp(at.addingTimeInterval(7_200))]),
            PostgresStatement(
                "INSERT INTO backorders (tenant_id, order_id, sku, requested, backordered_at) VALUES ('tenant-b', 'O-8', 'SKU-Z', 3, $1)",
                [.timestamp(at)]),
        ]
        let all = statements
        try await database.connection.transaction { try $0.pipeline(all) }
        return database
    }

    @Test("as the analytics role, every read model and view shows only the tenant set for the transaction, and nothing without one")
    func rowLevelSecurity() async throws {
        let database = try await twoTenants()
        let db = database.connection
        for relation in ProjectionAdmin.readModels + Self.views {
            let all = try await db.query("SELECT count(*) AS c FROM \(relation)").int(0, "c") ?? 0
            let a = try await Analytics.query("SELECT tenant_id FROM \(relation)", tenant: "tenant-a", database: db)
            let b = try await Analytics.query("SELECT tenant_id FROM \(relation)", tenant: "tenant-b", database: db)
            let none = try await Analytics.query("SELECT tenant_id FROM \(relation)", tenant: nil, database: db)
            let empty = try await Analytics.query("SELECT tenant_id FROM \(relation)", tenant: "", database: db)
            #expect(a.rows.allSatisfy { $0[0] == "tenant-a" }, "\(relation) leaks into tenant-a")
            #expect(b.rows.allSatisfy { $0[0] == "tenant-b" }, "\(relation) leaks into tenant-b")
            #expect(none.count == 0 && empty.count == 0, "\(relation) without a tenant")
            #expect(a.count + b.count == Int(all), "\(relation): every row belongs to one of the tenants")
            if ProjectionAdmin.readModels.contains(relation) && relation != "dlq_entries" && relation != "backorders" {
                #expect(a.count > 0, "\(relation) has rows for tenant-a")
            }
        }
        // The analytics role only reads, is not the owner and cannot bypass row-level security.
        await #expect(throws: PostgresError.self) {
            try await Analytics.query("DELETE FROM leads", tenant: "tenant-a", database: db)
        }
        let role = try await db.query(
            "SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = 'bizflow_analytics'")
        #expect(role.bool(0, "rolbypassrls") == false && role.bool(0, "rolsuper") == false)
        let forced = try await db.query(
            "SELECT count(*) AS c FROM pg_class WHERE relname = ANY($1::text[]) AND relrowsecurity AND relforcerowsecurity",
            [.textArray(ProjectionAdmin.readModels)])
        #expect(forced.int(0, "c") == Int64(ProjectionAdmin.readModels.count))
        let owned = try await db.query(
            "SELECT count(*) AS c FROM pg_tables WHERE tablename = ANY($1::text[]) AND tableowner = 'bizflow_analytics'",
            [.textArray(ProjectionAdmin.readModels)])
        #expect(owned.int(0, "c") == 0)
        await db.close()
    }

    @Test("reports compute per tenant; quotes and semicolons in the tenant or the dates are only ever parameters")
    func reports() async throws {
        let database = try await twoTenants()
        let db = database.connection
        for report in Analytics.reports {
            let rows = try await Analytics.run(report, tenant: "tenant-a", database: db)
            #expect(!rows.columns.isEmpty, "\(report.name)")
        }
        let funnel = try await Analytics.run(Analytics.report(named: "funnel")!, tenant: "tenant-a", database: db)
        #expect(funnel.count == 1 && funnel.int(0, "captured") == 1 && funnel.int(0, "converted") == 1)
        let revenue = try await Analytics.run(Analytics.report(named: "revenue")!, tenant: "tenant-a", database: db)
        // O-1 (2,000, 1,000 refunded) and O-9 (5,000) were delivered the same day.
        #expect(revenue.count == 1 && revenue.int(0, "gross") == 7_000 && revenue.int(0, "refunded") == 1_000 && revenue.int(0, "net") == 6_000)
        let latency = try await Analytics.run(Analytics.report(named: "fulfilment")!, tenant: "tenant-a", database: db)
        // O-1 shipped and arrived at once (0 h), O-9 took 1 h to ship and 2 h to arrive.
        #expect(latency.int(0, "orders") == 2 && latency.double(0, "ship_p50") == 0.5 && latency.double(0, "deliver_p50") == 1)
        let backorders = try await Analytics.run(Analytics.report(named: "backorders")!, tenant: "tenant-b", database: db)
        #expect(backorders.value(0, "sku") == "SKU-Z")
        // Hostile input stays data: no rows, no error, the tables intact.
        for tenant in ["tenant-a' OR '1'='1", "tenant-a'; DROP TABLE leads; --", "%", "*"] {
            let rows = try await Analytics.run(Analytics.report(named: "funnel")!, tenant: tenant, database: db)
            #expect(rows.count == 0, "\(tenant)")
        }
        await #expect(throws: PostgresError.self) {
            try await Analytics.run(Analytics.report(named: "funnel")!, tenant: "tenant-a", since: "2026-01-01'; DROP TABLE leads; --", database: db)
        }
        #expect(try await db.query("SELECT count(*) AS c FROM leads").int(0, "c") == 2)
        let period = try await Analytics.run(
            Analytics.report(named: "funnel")!, tenant: "tenant-a", since: "2030-01-01", until: "2031-01-01", database: db)
        #expect(period.count == 0, "outside the period")
        await db.close()
    }
}
