import BizflowEvents
@testable import BizflowGateway
import BizflowKafka
import BizflowPostgres
import BizflowProjector
import BizflowRuntime
import BizflowTestSupport
import Foundation
import Testing
import Yams

@Suite("HTTP gateway on the embedded broker and a real PostgreSQL", .serialized,
       .enabled(if: postgresAvailable, "needs PostgreSQL: run ops/test"))
struct GatewayTests {
    /// The records on a topic so far.
    func records(_ harness: GatewayHarness, _ topic: String) async throws -> Int64 {
        let admin = try KafkaAdmin(config: harness.broker.kafkaConfig, logger: testLogger())
        var total: Int64 = 0
        for partition in 0..<6 { total += try await admin.watermarks(TopicPartition(topic, Int32(partition))).high }
        return total
    }

    @Test("every ingestion and command endpoint produces its event, with CloudEvents headers and the key's tenant; reads return the projected state")
    func happyPaths() async throws {
        let harness = try await GatewayHarness()
        let key = try await harness.key("acme").key
        let posts: [(path: String, body: String, topic: String, type: String, recordKey: String)] = [
            ("/v1/leads", #"{"lead_id":"L-1","email":"ada@example.com","company_size":40,"source":"LEAD_SOURCE_REFERRAL","captured_at":"2026-11-24T09:00:00Z"}"#,
             "leads.captured", "bizflow.leads.v1.LeadCaptured", "L-1"),
            ("/v1/leads/L-1/engagements", #"{"kind":"ENGAGEMENT_KIND_EMAIL_OPEN"}"#, "leads.engagement", "bizflow.leads.v1.LeadEngagement", "L-1"),
            ("/v1/leads/L-1/conversion", #"{"customer_id":"c-1","actor":"maria"}"#, "leads.engagement", "bizflow.leads.v1.LeadConverted", "L-1"),
            ("/v1/leads/L-1/score-override", #"{"score":91,"actor":"maria","reason":"met the CEO"}"#, "leads.commands", "bizflow.commands.v1.ScoreOverride", "L-1"),
            ("/v1/leads/L-1/reassign", #"{"rep_id":"rep-ken","actor":"maria","reason":"speaks Dutch"}"#, "leads.commands", "bizflow.commands.v1.ReassignLead", "L-1"),
            ("/v1/orders", #"{"order_id":"O-1","customer_id":"c-1","currency":"EUR","items":[{"sku":"SKU-MOUSE","quantity":2,"unit_price":1900}],"shipping_address":{"country":"DE"}}"#,
             "orders.placed", "bizflow.orders.v1.OrderPlaced", "O-1"),
            ("/v1/orders/O-1/review", #"{"decision":"DECISION_APPROVE","reviewer":"rita","note":"called the customer"}"#, "orders.commands", "bizflow.commands.v1.ReviewDecision", "O-1"),
            ("/v1/orders/O-1/cancel", #"{"actor":"ops","reason":"customer asked"}"#, "orders.commands", "bizflow.commands.v1.CancelOrder", "O-1"),
            ("/v1/inventory/adjustments", #"{"sku":"SKU-MOUSE","warehouse_id":"wh-berlin","delta":25,"reason":"ADJUSTMENT_REASON_RESTOCK"}"#,
             "inventory.stock", "bizflow.inventory.v1.StockAdjusted", "SKU-MOUSE"),
        ]
        var ids: [String: String] = [:]
        for post in posts {
            let response = try await harness.request("POST", post.path, key: key, body: post.body)
            #expect(response.status == 202, "\(post.path): \(response.text)")
            ids[post.path] = response.object["event_id"] as? String
            #expect(response.object["topic"] as? String == post.topic && response.object["key"] as? String == post.recordKey)
        }
        for topic in Set(posts.map(\.topic)) {
            let expected = posts.filter { $0.topic == topic }
            let records = try await read(harness.broker, topic: topic, count: expected.count)
            for post in expected {
                let record = try #require(records.first { $0.header("ce_id") == ids[post.path] }, "\(post.path) on \(topic)")
                let (envelope, event) = try EventRecord.decode(record)
                #expect(envelope.type == post.type && envelope.tenantID == "acme" && envelope.source == "bizflow/gateway")
                #expect(record.header("content-type") == "application/protobuf" && record.keyString == post.recordKey)
                #expect(event.tenantID == "acme")
            }
        }
        // The order's total was derived from its lines.
        let order = try #require(try await read(harness.broker, topic: "orders.placed", count: 1).first)
        #expect((try EventRecord.decode(order).1 as? OrderPlaced)?.total == 3_800)

        // Reads come from the projections.
        var settings = ProjectorSettings(kafka: harness.broker.kafkaConfig, topics: ["leads.captured", "orders.placed", "inventory.stock"])
        settings.consumerProperties = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "300"]
        let projector = Projector(settings: settings, database: harness.database.newConnection(), logger: testLogger())
        let projecting = Task { try await projector.run() }
        #expect(await eventually(timeout: .seconds(60)) {
            (try? await harness.request("GET", "/v1/leads/L-1", key: key))?.status == 200
        })
        let lead = try await harness.request("GET", "/v1/leads/L-1", key: key).object
        #expect(lead["email"] as? String == "ada@example.com" && lead["source"] as? String == "referral" && lead["tenant_id"] as? String == "acme")
        #expect(await eventually(timeout: .seconds(30)) { (try? await harness.request("GET", "/v1/orders/O-1", key: key))?.status == 200 })
        let orderDocument = try await harness.request("GET", "/v1/orders/O-1", key: key).object
        #expect((orderDocument["order"] as? [String: Any])?["total"] as? Int == 3_800)
        #expect(orderDocument["timeline"] is [Any] && orderDocument["shipments"] is [Any])
        let reviews = try await harness.request("GET", "/v1/reviews", key: key)
        #expect(reviews.status == 200 && (try? JSONSerialization.jsonObject(with: Data(reviews.body))) is [Any])
        let funnel = try await harness.request("GET", "/v1/analytics/funnel", key: key)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(funnel.body)) as? [[String: Any]])
        #expect(funnel.status == 200 && rows.first?["captured"] as? Int == 1 && rows.first?["source"] as? String == "referral")
        #expect(try await harness.request("GET", "/v1/analytics/funnel?since=yesterday", key: key).status == 400)
        #expect(try await harness.request("GET", "/v1/analytics/nonsense", key: key).status == 404)
        #expect(try await harness.request("GET", "/v1/leads/nobody", key: key).status == 404)
        projector.stop()
        try await projecting.value
        await harness.stop()
    }

    struct BadInput: Sendable, CustomTestStringConvertible {
        var name: String
        var path: String
        var body: String
        var status: Int
        var fields: [String]
        var testDescription: String { name }
    }

    static let badInputs: [BadInput] = [
        .init(name: "malformed JSON", path: "/v1/leads", body: #"{"email": "a@b.c""#, status: 400, fields: []),
        .init(name: "not an object", path: "/v1/leads", body: #"["a@b.c"]"#, status: 400, fields: [""]),
        .init(name: "wrong types", path: "/v1/leads", body: #"{"email":42,"company_size":"big","website_visits":1.5}"#, status: 400,
              fields: ["email", "company_size", "website_visits"]),
        .init(name: "unknown fields", path: "/v1/orders", body: #"{"currency":"EUR","colour":"red","items":[{"sku":"A","quantity":1,"size":"XL"}]}"#,
              status: 400, fields: ["colour", "items[0].size"]),
        .init(name: "tenant in the body", path: "/v1/leads", body: #"{"email":"a@b.co","tenant_id":"beta"}"#, status: 400, fields: ["tenant_id"]),
        .init(name: "unknown enum", path: "/v1/leads", body: #"{"email":"a@b.co","source":"CARRIER_PIGEON"}"#, status: 400, fields: ["source"]),
        .init(name: "bad timestamp", path: "/v1/leads", body: #"{"email":"a@b.co","captured_at":"yesterday"}"#, status: 400, fields: ["captured_at"]),
        .init(name: "int32 overflow", path: "/v1/leads", body: #"{"email":"a@b.co","company_size":99999999999}"#, status: 400, fields: ["company_size"]),
        .init(name: "missing email", path: "/v1/leads", body: #"{"first_name":"Ada"}"#, status: 422, fields: ["email"]),
        .init(name: "malformed email", path: "/v1/leads", body: #"{"email":"ada at example"}"#, status: 422, fields: ["email"]),
        .init(name: "negative counts", path: "/v1/leads", body: #"{"email":"a@b.co","website_visits":-3}"#, status: 422, fields: ["website_visits"]),
        .init(name: "negative and zero quantities, unknown currency, no items' country", path: "/v1/orders",
              body: #"{"customer_id":"c","currency":"XBZ","items":[{"sku":"A","quantity":-2,"unit_price":5},{"sku":"B","quantity":0}]}"#,
              status: 422, fields: ["items[0].quantity", "items[1].quantity", "currency", "shipping_address.country"]),
        .init(name: "empty items", path: "/v1/orders", body: #"{"customer_id":"c","currency":"EUR","items":[],"shipping_address":{"country":"DE"}}"#,
              status: 422, fields: ["items"]),
        .init(name: "total that does not add up", path: "/v1/orders",
              body: #"{"customer_id":"c","currency":"EUR","total":1,"items":[{"sku":"A","quantity":1,"unit_price":5}],"shipping_address":{"country":"DE"}}"#,
              status: 422, fields: ["total"]),
        .init(name: "engagement without kind", path: "/v1/leads/L-1/engagements", body: "{}", status: 422, fields: ["kind"]),
        .init(name: "conversion without customer", path: "/v1/leads/L-1/conversion", body: #"{"actor":"maria"}"#, status: 422, fields: ["customer_id"]),
        .init(name: "conversion setting its source", path: "/v1/leads/L-1/conversion", body: #"{"customer_id":"c","source":"CONVERSION_SOURCE_CLI"}"#,
              status: 400, fields: ["source"]),
        .init(name: "lead id in the body", path: "/v1/leads/L-1/engagements", body: #"{"lead_id":"L-2","kind":"ENGAGEMENT_KIND_REPLY"}"#,
              status: 400, fields: ["lead_id"]),
        .init(name: "override without actor or reason, score out of range", path: "/v1/leads/L-1/score-override",
              body: #"{"score":140}"#, status: 422, fields: ["actor", "reason", "score"]),
        .init(name: "review without a decision", path: "/v1/orders/O-1/review", body: #"{"reviewer":"rita","note":"ok"}"#, status: 422, fields: ["decision"]),
        .init(name: "cancel without reason", path: "/v1/orders/O-1/cancel", body: #"{"actor":"ops","reason":"  "}"#, status: 422, fields: ["reason"]),
        .init(name: "adjustment of nothing", path: "/v1/inventory/adjustments", body: #"{"sku":"A","warehouse_id":"wh-berlin","delta":0}"#,
              status: 422, fields: ["delta"]),
    ]

    @Test("bad input gets the right 4xx with every bad field, and nothing is produced")
    func badInput() async throws {
        let harness = try await GatewayHarness()
        let key = try await harness.key("acme").key
        for input in Self.badInputs {
            let response = try await harness.request("POST", input.path, key: key, body: input.body)
            #expect(response.status == input.status, "\(input.name): \(response.text)")
            #expect(Set(response.fieldProblems.keys) == Set(input.fields), "\(input.name): \(response.fieldProblems)")
            #expect(response.header("Content-Type") == "application/json", "\(input.name)")
        }
        for topic in ["leads.captured", "leads.engagement", "leads.commands", "orders.placed", "orders.commands", "inventory.stock"] {
            #expect(try await records(harness, topic) == 0, "nothing on \(topic)")
        }
        await harness.stop()
    }

    @Test("a huge body is refused with 413; injection strings are only data")
    func sizesAndInjection() async throws {
        let harness = try await GatewayHarness { $0.bodyLimit = 4_096 }
        let key = try await harness.key("acme").key
        let huge = #"{"email":"a@b.co","company_name":""# + String(repeating: "x", count: 10_000) + #""}"#
        let tooLarge = try await harness.request("POST", "/v1/leads", key: key, body: huge)
        #expect(tooLarge.status == 413 && (tooLarge.object["error"] as? [String: Any])?["code"] as? String == "body_too_large")
        let hostile = #"Robert'); DROP TABLE leads;-- <script>alert(1)</script> ${jndi:ldap://x}"#
        let escaped = hostile.replacingOccurrences(of: "\"", with: "\\\"")
        let accepted = try await harness.request("POST", "/v1/leads", key: key, body: #"{"lead_id":"L-x","email":"a@b.co","company_name":"\#(escaped)"}"#)
        #expect(accepted.status == 202)
        let record = try #require(try await read(harness.broker, topic: "leads.captured", count: 1).first)
        #expect((try EventRecord.decode(record).1 as? LeadCaptured)?.companyName == hostile)
        #expect(try await harness.request("GET", "/v1/leads/x'%20OR%20'1'='1", key: key).status == 404)
        await harness.stop()
    }

    @Test("authentication: no key, a wrong or malformed key and a revoked key get 401; another tenant's lead is not found")
    func authentication() async throws {
        let harness = try await GatewayHarness()
        let acme = try await harness.key("acme")
        let beta = try await harness.key("beta")
        let body = #"{"lead_id":"L-a","email":"a@acme.test"}"#
        #expect(try await harness.request("POST", "/v1/leads", body: body).status == 401)
        #expect(try await harness.request("POST", "/v1/leads", key: "bzk_00000000_nope", body: body).status == 401)
        #expect(try await harness.request("POST", "/v1/leads", key: acme.key + "x", body: body).status == 401)
        #expect(try await harness.request("POST", "/v1/leads", key: "garbage", body: body).status == 401)
        #expect(try await harness.request("GET", "/v1/reviews", headers: [("X-API-Key", acme.key)]).status == 200)
        #expect(try await harness.request("POST", "/v1/leads", key: acme.key, body: body).status == 202)
        // Beta cannot see acme's lead once projected: 404, exactly as for a lead that does not exist.
        var settings = ProjectorSettings(kafka: harness.broker.kafkaConfig, topics: ["leads.captured"])
        settings.consumerProperties = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "300"]
        let projector = Projector(settings: settings, database: harness.database.newConnection(), logger: testLogger())
        let projecting = Task { try await projector.run() }
        #expect(await eventually(timeout: .seconds(60)) { (try? await harness.request("GET", "/v1/leads/L-a", key: acme.key))?.status == 200 })
        let other = try await harness.request("GET", "/v1/leads/L-a", key: beta.key)
        #expect(other.status == 404 && !other.text.contains("acme"))
        #expect(try await APIKeys.revoke(id: acme.id, database: harness.database.connection))
        #expect(try await harness.request("GET", "/v1/leads/L-a", key: acme.key).status == 401, "revoked")
        #expect(try await harness.request("GET", "/healthz").status == 200, "health needs no key")
        projector.stop()
        try await projecting.value
        await harness.stop()
    }

    @Test("an Idempotency-Key replays the first answer and produces once; reused for another body it is refused")
    func idempotency() async throws {
        let harness = try await GatewayHarness()
        let key = try await harness.key("acme").key
        let body = #"{"email":"same@example.com"}"#
        let first = try await harness.request("POST", "/v1/leads", key: key, body: body, headers: [("Idempotency-Key", "req-1")])
        let second = try await harness.request("POST", "/v1/leads", key: key, body: body, headers: [("Idempotency-Key", "req-1")])
        #expect(first.status == 202 && second.status == 202)
        #expect(first.object["event_id"] as? String == second.object["event_id"] as? String)
        #expect(first.object["key"] as? String == second.object["key"] as? String, "the generated lead id too")
        #expect(second.header("Idempotent-Replayed") == "true" && first.header("Idempotent-Replayed") == nil)
        let reused = try await harness.request(
            "POST", "/v1/leads", key: key, body: #"{"email":"other@example.com"}"#, headers: [("Idempotency-Key", "req-1")])
        #expect(reused.status == 422 && (reused.object["error"] as? [String: Any])?["code"] as? String == "idempotency_key_reused")
        // Keys are per tenant: another tenant's request with the same key is its own.
        let beta = try await harness.key("beta").key
        let theirs = try await harness.request("POST", "/v1/leads", key: beta, body: body, headers: [("Idempotency-Key", "req-1")])
        #expect(theirs.status == 202 && theirs.object["event_id"] as? String != first.object["event_id"] as? String)
        #expect(try await records(harness, "leads.captured") == 2)
        await harness.stop()
    }

    @Test("a key over its rate gets 429 with Retry-After")
    func rateLimit() async throws {
        let harness = try await GatewayHarness {
            $0.ratePerKey = 1
            $0.burstPerKey = 2
        }
        let key = try await harness.key("acme").key
        var statuses: [Int] = []
        for _ in 0..<4 { statuses.append(try await harness.request("GET", "/v1/reviews", key: key).status) }
        #expect(statuses.prefix(2) == [200, 200] && statuses.last == 429)
        let limited = try await harness.request("GET", "/v1/reviews", key: key)
        #expect(limited.status == 429 && Int(limited.header("Retry-After") ?? "") ?? 0 >= 1)
        #expect(try await harness.request("GET", "/v1/reviews", key: try await harness.key("acme").key).status == 200, "per key")
        await harness.stop()
    }

    @Test("the OpenAPI document parses and lists every route, each of which answers; health, readiness and metrics")
    func openAPIAndOps() async throws {
        let harness = try await GatewayHarness()
        let key = try await harness.key("acme").key
        let document = try await harness.request("GET", "/openapi.yaml")
        #expect(document.status == 200)
        let yaml = try #require(try Yams.load(yaml: document.text) as? [String: Any])
        #expect(yaml["openapi"] as? String == "3.0.3")
        let paths = try #require(yaml["paths"] as? [String: [String: Any]])
        for route in Gateway.routes {
            #expect(paths[route.path]?[route.method.rawValue.lowercased()] != nil, "\(route.method) \(route.path) documented")
            let concrete = route.path.replacingOccurrences(of: "{id}", with: "X-1").replacingOccurrences(of: "{report}", with: "funnel")
            let response = try await harness.request(route.method.rawValue, concrete, key: key, body: route.method == .post ? "{}" : nil)
            #expect(response.status != 404 || concrete.hasPrefix("/v1/leads/X") || concrete.hasPrefix("/v1/orders/X"),
                    "\(route.method) \(concrete) is served: \(response.status)")
            #expect(response.status != 500)
        }
        #expect(paths.count == Set(Gateway.routes.map(\.path)).count, "no undocumented extras")
        #expect(try await harness.request("GET", "/readyz").text == #"{"kafka":"ok","postgres":"ok"}"#)
        let metrics = try await harness.request("GET", "/metrics")
        #expect(metrics.status == 200 && metrics.header("Content-Type")?.hasPrefix("text/plain") == true)
        await harness.stop()
    }
}
