import BizflowProjector
import BizflowTestSupport
import Foundation
import Testing

@Suite("The demo", .enabled(if: postgresAvailable, "needs PostgreSQL: run ops/test"))
struct DemoTests {
    @Test("a small demo run ends with projections equal to what its seed leads to, and writes the HTML report")
    func smallRun() async throws {
        let database = try await TestDatabase.create(migrated: false)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let summary = directory.appendingPathComponent("summary.json").path
        let report = directory.appendingPathComponent("report.html").path
        let demo = try BizflowProcess([
            "demo", "--leads", "600", "--orders", "60", "--seed", "7", "--gateway-port", "0", "--broker-port", "0",
            "--database-url", database.url, "--summary-json", summary, "--report", report, "--timeout", "240",
        ])
        let ended = await demo.wait()
        #expect(ended.status == 0 && !ended.killed, "the demo checks its own outcome and exits 0 when it matches (status \(ended.status), killed by a signal: \(ended.killed)):\n\(demo.logTail(lines: 80))")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary))) as? [String: Any])
        #expect(json["ok"] as? Bool == true, "\(json["problems"] ?? "")")
        let expected = try #require(json["expected"] as? [String: Any])
        let projected = try #require(json["projected"] as? [String: Any])
        #expect(projected["leads"] as? Int == 600 && expected["leads"] as? Int == 600)
        let projectedOrders = projected["orders"] as? [String: Int]
        let expectedOrders = expected["orders"] as? [String: Int]
        #expect(projectedOrders != nil && projectedOrders == expectedOrders)
        #expect((projected["nurture_messages"] as? Int ?? 0) > 0 && (projected["escalated_reviews"] as? Int ?? 0) >= 1,
                "simulated time let nurture steps and the review SLA fire")
        // The simulated carrier takes 4-40 hours of the tiers' clock per parcel: the report shows transit times.
        let latency = try await Analytics.run(try #require(Analytics.report(named: "fulfilment")), tenant: "acme", database: database.connection)
        let (p50, p90) = (latency.double(0, "transit_p50") ?? 0, latency.double(0, "transit_p90") ?? 0)
        #expect(p50 >= 4 && p90 <= 41 && p90 > p50, "transit p50 \(p50) h, p90 \(p90) h")
        // Opens, clicks and replies answer the delivered messages at the rates the plan draws them with (45 % opened,
        // 45 % and 20 % of those clicked and replied), attributed to the message they name.
        let campaigns = try await Analytics.run(try #require(Analytics.report(named: "campaigns")), tenant: "acme", database: database.connection)
        func total(_ column: String) -> Double { (0..<campaigns.count).reduce(0) { $0 + Double(campaigns.int($1, column) ?? 0) } }
        let (delivered, opened, clicked, replied) = (total("delivered"), total("opened"), total("clicked"), total("replied"))
        #expect(delivered > 50 && (0.3...0.6).contains(opened / delivered), "\(opened) of \(delivered) delivered messages opened")
        #expect(clicked > 0 && replied > 0 && clicked < opened && replied < opened, "clicked \(clicked), replied \(replied)")
        // Converted leads' customers buy: their delivered orders' revenue goes to the leads' sources and campaigns, linked
        // by a LeadConverted through the gateway or by the lead's email.
        let links = try await Analytics.query(
            "SELECT linked_by, count(*) AS orders, sum(net) AS revenue FROM order_attribution GROUP BY linked_by ORDER BY linked_by",
            tenant: "acme", database: database.connection)
        #expect(links.count == 2 && links.value(0, "linked_by") == "conversion" && links.value(1, "linked_by") == "email", "\(links)")
        #expect((0..<links.count).allSatisfy { (links.int($0, "revenue") ?? 0) > 0 })
        let firstOrders = try await Analytics.run(try #require(Analytics.report(named: "first-orders")), tenant: "acme", database: database.connection)
        #expect(firstOrders.count > 0 && (0..<firstOrders.count).allSatisfy { firstOrders.double($0, "days_p50") != nil })
        // Mid-run, a model learned the hidden ground truth and beat the rules on the latest leads (600 leads: with
        // fewer, a holdout of a few dozen cannot tell them apart); after it, leads were scored by both (shadow), which
        // the model report compares on projected outcomes.
        let models = try await Analytics.query(
            "SELECT version, (evaluation->>'modelAuc')::float AS model_auc, (evaluation->>'rulesAuc')::float AS rules_auc FROM scoring_models",
            tenant: "acme", database: database.connection)
        #expect(models.count == 1 && models.value(0, "version") == "acme-demo-7")
        #expect((models.double(0, "model_auc") ?? 0) > (models.double(0, "rules_auc") ?? 1), "\(models)")
        let compared = try await Analytics.run(try #require(Analytics.report(named: "model")), tenant: "acme", database: database.connection)
        #expect(compared.count == 1 && (compared.int(0, "leads") ?? 0) > 0, "leads scored by both after the model came")
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("Orders by status") && html.contains("Revenue by lead source") && !html.contains("http://cdn"))
        await database.connection.close()
    }
}
