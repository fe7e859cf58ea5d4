import ArgumentParser
import BizflowEmbeddedBroker
import BizflowEvents
import BizflowHTTP
import BizflowKafka
import BizflowPostgres
import BizflowProjector
import BizflowRuntime
import BizflowWorkload
import Foundation
import Logging
import ServiceLifecycle
import SwiftProtobuf

/// The demo's story, as a service beside the pipeline: stock, leads through the HTTP gateway, engagement, orders and
/// their people and carriers straight to Kafka; then it waits for the projections, prints the analytics, writes the
/// HTML report and checks the outcome against the plan.
struct DemoScenario: Service {
    struct Options: Sendable {
        var keepRunning = false
        var reportPath: String
        var summaryPath: String?
        var brokerBootstrap: String
        var timeout: Duration = .seconds(600)
    }

    let plan: WorkloadPlan
    let broker: EmbeddedBroker
    let database: PostgresConnection
    let gatewayURL: @Sendable () async throws -> String
    let apiKey: String
    let clock: AcceleratedClock
    let options: Options
    let logger: Logger

    func run() async throws {
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: logger)
        defer { Task { await producer.close() } }
        @Sendable func send(_ events: [any DomainEvent], _ topic: String) async throws {
            try await producer.sendBatch(events.map { try EventRecord.make($0, source: "bizflow/demo", topic: topic).0 })
            try await producer.flush()
        }
        // Parcels take 4-40 hours of the tiers' clock (3-33 s of the demo's), so the report has transit times.
        let driver = WorkloadDriver(plan: plan, carrier: CarrierTiming(transitHours: 4...40, clockSpeed: clock.speed), send: send)
        let watching = try DriverFeed.start(driver, kafka: broker.kafkaConfig, group: "bizflow-demo-driver", logger: logger)
        defer { watching.cancel() }

        try await send(plan.stock, "inventory.stock")
        try await waitFor("stock", total: Int64(plan.stock.count)) {
            try await database.query("SELECT count(*) AS c FROM inventory_levels").int(0, "c") ?? 0
        }
        try await sendLeads(try await gatewayURL())
        try await send(plan.engagements, "leads.engagement")
        try await sendConversions(try await gatewayURL())
        try await trainModel(send: send)
        print("▶ \(plan.engagements.count) engagement events straight to Kafka (visits, meetings, conversions); opens, clicks and replies answer the nurture messages as they are delivered")
        for start in stride(from: 0, to: plan.orders.count, by: 100) {
            try await send(Array(plan.orders[start..<min(start + 100, plan.orders.count)]), "orders.placed")
        }
        try await send(await driver.earlyCancels(), "orders.commands")
        print("▶ \(plan.orders.count) orders straight to Kafka: fraud patterns, a scarce SKU, cancellations and returns")

        let outcome = try await catchUp()
        let failures = await driver.failures
        let report = try await DemoReport.collect(database: database, tenant: WorkloadPlan.tenant)
        report.printTables()
        try report.html(plan: plan, outcome: outcome).write(toFile: options.reportPath, atomically: true, encoding: .utf8)
        print("▶ HTML report with charts: \(options.reportPath)")
        let verdict = outcome.differences(from: plan) + failures.map { "driver: \($0)" }
        if let path = options.summaryPath { try outcome.json(plan: plan, problems: verdict).write(toFile: path, atomically: true, encoding: .utf8) }
        guard verdict.isEmpty else {
            printError("✘ the projections differ from what the plan expects:\n  " + verdict.joined(separator: "\n  "))
            throw ExitCode(1)
        }
        print("✔ projections match the plan for seed \(plan.seed): \(plan.leads.count) leads, \(plan.orders.count) orders")
        if options.keepRunning {
            let gateway = try await gatewayURL()
            print("""

                ▶ still running (Ctrl-C stops and removes everything):
                  gateway   \(gateway)   (OpenAPI: \(gateway)/openapi.yaml, metrics: \(gateway)/metrics)
                  kafka     \(options.brokerBootstrap)   (bizflow tail orders.fulfilment --bootstrap \(options.brokerBootstrap))
                  api key   \(apiKey)   (tenant acme)
                  try:
                    curl -s \(gateway)/v1/analytics/funnel -H 'Authorization: Bearer \(apiKey)'
                    curl -s -X POST \(gateway)/v1/leads -H 'Authorization: Bearer \(apiKey)' -d '{"email":"you@example.com","source":"LEAD_SOURCE_WEB_FORM"}'
                    curl -s \(gateway)/v1/orders/\(plan.orders.first?.orderID ?? "order-00000") -H 'Authorization: Bearer \(apiKey)'
                """)
            try await gracefulShutdown()
        }
    }

    /// Every lead through the HTTP gateway, eight requests in flight.
    /// Converted leads that become customers, through the gateway (`POST /v1/leads/{id}/conversion`).
    private func sendConversions(_ gateway: String) async throws {
        let client = HTTPClient(concurrency: 4)
        for conversion in plan.conversions {
            let body = #"{"customer_id":"\#(conversion.customerID)","actor":"\#(conversion.actor)"}"#
            let response = try await client.send(
                HTTPRequest(
                    url: gateway + "/v1/leads/\(conversion.leadID)/conversion",
                    headers: [("Authorization", "Bearer \(apiKey)"), ("Content-Type", "application/json")], body: Array(body.utf8)))
            guard response.status == 202 else {
                throw DemoError("the gateway answered \(response.status) to a conversion: \(String(decoding: response.body, as: UTF8.self))")
            }
        }
        print("▶ \(plan.conversions.count) conversions via HTTP (leads that became customers; as many more are linked by their email)")
    }

    private func sendLeads(_ gateway: String) async throws {
        let client = HTTPClient(concurrency: 8)
        let bar = ProgressBar(label: "▶ leads via HTTP", unit: "requests")
        let bodies = try plan.leads.map { lead -> [UInt8] in
            var body = lead
            body.tenantID = ""  // the gateway takes the tenant from the key
            var options = JSONEncodingOptions()
            options.preserveProtoFieldNames = true
            let bytes: [UInt8] = try body.jsonUTF8Bytes(options: options)
            return bytes
        }
        var sent: Int64 = 0
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, body) in bodies.enumerated() {
                if index >= 8 { try await group.next() }
                group.addTask {
                    let request = HTTPRequest(
                        url: gateway + "/v1/leads",
                        headers: [("Authorization", "Bearer \(apiKey)"), ("Content-Type", "application/json"),
                                  ("Idempotency-Key", "demo-\(plan.seed)-\(index)")],
                        body: body)
                    // The idempotency key makes a retry safe: a slow machine's timeout does not end the demo.
                    let retry = RetryPolicy(attempts: 4, initialDelay: .milliseconds(200), maxDelay: .seconds(2))
                    var attempt = 1
                    var response: HTTPResponse
                    while true {
                        do {
                            response = try await client.send(request)
                            if !response.isRetriable || attempt == retry.attempts { break }
                        } catch let error as HTTPError where error.isRetriable && attempt < retry.attempts {}
                        try await Task.sleep(for: retry.delay(after: attempt))
                        attempt += 1
                    }
                    guard response.status == 202 else {
                        throw DemoError("the gateway answered \(response.status) to a lead: \(String(decoding: response.body, as: UTF8.self))")
                    }
                }
                sent += 1
                if sent % 50 == 0 { bar.update(sent, of: Int64(bodies.count)) }
            }
            try await group.waitForAll()
        }
        bar.finish(Int64(bodies.count), of: Int64(bodies.count))
    }

    /// Waits, with a progress bar, until the projections show what the plan leads to and simulated time has let
    /// nurture steps and review SLAs fire.
    private func catchUp() async throws -> DemoOutcome {
        let bar = ProgressBar(label: "▶ projecting", unit: "outcomes")
        let expected = plan.expectedStatuses
        let target = Int64(plan.leads.count + plan.orders.count)
        let deadline = ContinuousClock.now + options.timeout
        let simulatedUntil = clock.start.addingTimeInterval(3 * 86_400)
        while true {
            let outcome = try await DemoOutcome.read(database)
            let settledOrders = expected.reduce(0) { $0 + min($1.value, outcome.statuses[$1.key] ?? 0) }
            let done = Int64(min(outcome.scoredLeads, plan.leads.count) + settledOrders)
            bar.update(done, of: target)
            if done >= target && clock.now() >= simulatedUntil && outcome.differences(from: plan).isEmpty {
                bar.finish(done, of: target)
                return outcome
            }
            if ContinuousClock.now > deadline {
                bar.finish(done, of: target)
                return outcome
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    func waitFor(_ what: String, total: Int64, _ count: @Sendable () async throws -> Int64) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while try await count() < total {
            guard ContinuousClock.now < deadline else { throw DemoError("\(what) did not reach the read models in 2 minutes") }
            try await Task.sleep(for: .milliseconds(200))
        }
        print("▶ \(what) in place: \(total) records projected")
    }
}

/// A demo step that cannot go on.
struct DemoError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
