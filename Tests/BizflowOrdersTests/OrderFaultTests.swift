import BizflowEvents
import BizflowKafka
@testable import BizflowOrders
import BizflowRuntime
import BizflowTestSupport
import Foundation
import Testing

@Suite("Order tiers under contention, poison input and failing endpoints", .serialized)
struct OrderFaultTests {
    @Test("200 orders from every partition for one scarce SKU, two inventory processes: exactly the stock is reserved")
    func scarceSKUNeverOversells() async throws {
        var running = try OrderPipeline(partitions: 6)
        try running.start(["fraud"])
        try running.start(["inventory"], instances: 2)
        let pipeline = running
        let topics = pipeline.topics
        let tap = try EventTap(pipeline.broker, topics: [topics.reserved, topics.answers])
        try await pipeline.send([stock("SKU-SCARCE", "wh-berlin", 50)], to: topics.stock)
        let orders = (0..<200).map { i in
            order(String(format: "hot-%03d", i)) { withItems(&$0, [item("SKU-SCARCE", 1, 1_000)]) }
        }
        try await pipeline.send(orders, to: topics.placed)
        #expect(await eventually(timeout: .seconds(120)) {
            let finals = tap.finalStatuses()
            return finals.count == 200 && finals.values.allSatisfy { $0 == .reserved || $0 == .backordered }
        })
        let finals = tap.finalStatuses()
        #expect(finals.values.filter { $0 == .reserved }.count == 50)
        #expect(finals.values.filter { $0 == .backordered }.count == 150)
        let grants = tap.all(ReservationAnswered.self).filter { $0.action == .reserve && $0.granted }
        #expect(Set(grants.map(\.orderID)).count == 50, "one grant per reserved order")
        #expect(grants.allSatisfy { $0.availableAfter >= 0 })
        let ledger = try #require(try await pipeline.ledgers()["acme|SKU-SCARCE"])
        #expect(ledger.levels["wh-berlin"] == .init(available: 0, reserved: 50, shipped: 0, reorderPoint: 10))
        #expect(ledger.waiting.count == 150)
        await tap.stop()
        try await pipeline.stop()
    }

    @Test("poison orders go to the dead-letter topic with their reasons while good orders flow")
    func poisonOrders() async throws {
        var running = try OrderPipeline()
        try running.start(["fraud"])
        let pipeline = running
        let topics = pipeline.topics
        let good = (0..<20).map { order("good-\($0)") }
        let poison: [(String, OrderPlaced)] = [
            ("negative", order("bad-negative") { withItems(&$0, [item("SKU-A", -1, 100)]) }),
            ("currency", order("bad-currency") { $0.currency = "ZZZ" }),
            ("empty", order("bad-empty") { withItems(&$0, []) }),
        ]
        try await pipeline.send(Array(good.prefix(10)) + poison.map(\.1) + Array(good.suffix(10)), to: topics.placed)
        let envelope = EventEnvelope(source: "test", type: OrderPlaced.eventType, tenantID: "acme")
        _ = try await pipeline.producer.send(
            ProducerMessage(
                topic: topics.placed, key: Array("bad-bytes".utf8), value: [0x0a, 0xff, 0xff, 0x01],
                headers: envelope.headers.map { KafkaHeader($0.key, $0.value) }))
        _ = try await pipeline.producer.send(
            ProducerMessage(topic: topics.placed, key: Array("bad-headers".utf8), value: try good[0].serializedBytes()))

        let dead = try await read(pipeline.broker, topic: topics.placed + ".dlq", count: 5, timeout: .seconds(60))
        let reasons = Dictionary(dead.map { ($0.keyString ?? "", $0.header(DeadLetter.Header.reason) ?? "") }) { a, _ in a }
        #expect(Set(reasons.keys) == ["bad-negative", "bad-currency", "bad-empty", "bad-bytes", "bad-headers"])
        #expect(reasons["bad-negative"]?.contains("quantity must be positive") == true)
        #expect(reasons["bad-currency"]?.contains("ZZZ") == true)
        #expect(reasons["bad-empty"]?.contains("items must not be empty") == true)
        #expect(dead.first { $0.keyString == "bad-bytes" }?.header(DeadLetter.Header.errorClass) == "undecodable")
        #expect(dead.allSatisfy { $0.header(DeadLetter.Header.tier) == "fraud" && $0.header(DeadLetter.Header.topic) == topics.placed })
        let assessed = try await read(pipeline.broker, topic: topics.assessed, count: 40, timeout: .seconds(60))
            .compactMap { try? EventRecord.decode($0).1 as? OrderAssessed }
        #expect(Set(assessed.map(\.orderID)) == Set(good.map(\.orderID)))
        try await pipeline.stop()
    }

    @Test("the carrier API failing once is retried with one label per shipment; failing for good dead-letters the order; notifications are delivered once each")
    func carrierFailures() async throws {
        let flaky = WebhookReceiver(secret: OrderPipeline.secret, failuresPerKey: 1)
        let down = WebhookReceiver(secret: OrderPipeline.secret, failuresPerKey: 1_000, failStatus: 503)
        let notify = WebhookReceiver(secret: OrderPipeline.secret, failuresPerKey: 1)
        let flakyURL = try await flaky.start(path: "/labels")
        let downURL = try await down.start(path: "/labels")
        let notifyURL = try await notify.start(path: "/notifications")

        // One pipeline whose carrier answers 500 once per label, one whose carrier is down.
        for (carrierURL, healthy) in [(flakyURL, true), (downURL, false)] {
            var running = try OrderPipeline()
            try running.start(
                ["fraud", "inventory", "fulfilment", "notifications"],
                environment: ["BIZFLOW_CARRIER_URL": carrierURL, "BIZFLOW_NOTIFY_URL": notifyURL])
            let pipeline = running
            let topics = pipeline.topics
            try await pipeline.send([stock("SKU-KEYBOARD", "wh-berlin", 100), stock("SKU-MOUSE", "wh-leeds", 100)], to: topics.stock)
            let orders = (0..<10).map { order("ship-\(healthy)-\($0)") }
            try await pipeline.send(orders, to: topics.placed)
            if healthy {
                // Keyboards ship from Berlin, mice from Leeds: two labels per order. A retried event asks again for a
                // label it already got, with the same Idempotency-Key, so the carrier sells it once.
                #expect(await eventually(timeout: .seconds(90)) { Set(await flaky.successes.map(\.key)).count == 20 })
                let labels = try await read(pipeline.broker, topic: topics.fulfilment, count: 40, timeout: .seconds(60))
                    .compactMap { try? EventRecord.decode($0).1 as? ShipmentUpdated }
                let successes = await flaky.successes
                let requests = await flaky.all
                #expect(Set(labels.map(\.trackingNumber)) == Set(successes.map { "TRK-\($0.key)" }))
                #expect(labels.count == 20 && Set(labels.map(\.shipmentID)).count == 20, "one label event per shipment")
                #expect(Dictionary(grouping: requests, by: \.key).values.allSatisfy { $0.first?.status == 500 && $0.count <= 3 })
                #expect(requests.allSatisfy { $0.signatureValid })
                // order_confirmed for each order, delivered through one 500 each.
                #expect(await eventually(timeout: .seconds(60)) { await notify.successes.count == 10 })
                let deliveries = try await read(pipeline.broker, topic: topics.fulfilment, count: 40, timeout: .seconds(60))
                    .compactMap { try? EventRecord.decode($0).1 as? NotificationDelivery }
                #expect(deliveries.count == 10 && deliveries.allSatisfy { $0.delivered && $0.attempts == 2 })
            } else {
                let dead = try await read(pipeline.broker, topic: topics.reserved + ".dlq", count: 10, timeout: .seconds(90))
                #expect(Set(dead.compactMap(\.keyString)) == Set(orders.map(\.orderID)))
                #expect(dead.allSatisfy { $0.header(DeadLetter.Header.errorClass) == "retries_exhausted" })
                #expect(dead.allSatisfy { $0.header(DeadLetter.Header.reason)?.contains("503") == true })
                #expect(dead.allSatisfy { $0.header(DeadLetter.Header.attempts) == "3" })
            }
            try await pipeline.stop()
        }
        await flaky.stop()
        await down.stop()
        await notify.stop()
    }
}
