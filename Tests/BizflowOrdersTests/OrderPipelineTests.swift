import BizflowEvents
import BizflowKafka
@testable import BizflowOrders
import BizflowRuntime
import BizflowTestSupport
import Foundation
import Testing

/// 500 orders with a known mix and what each group must end as.
struct OrderMix {
    enum Group: String, CaseIterable {
        case normal, returning, rejected, reviewApprove, reviewReject, reviewWait, velocity, scarce, cancelEarly, cancelReserved
    }

    var orders: [OrderPlaced] = []
    var group: [String: Group] = [:]

    static let scarceSKU = "SKU-GPU-LIMITED"
    static let scarceStock: Int64 = 20
    static let restock: Int64 = 10

    init() {
        let sizes: [(Group, Int)] = [
            (.rejected, 20), (.reviewApprove, 15), (.reviewReject, 10), (.reviewWait, 5), (.velocity, 8), (.scarce, 40),
            (.cancelEarly, 10), (.cancelReserved, 10), (.returning, 20),
        ]
        var kinds: [Group] = sizes.flatMap { Array(repeating: $0.0, count: $0.1) }
        kinds += Array(repeating: .normal, count: 500 - kinds.count)
        // Interleave the groups so every partition sees every kind.
        var generator = SeededGenerator(seed: 42)
        kinds.shuffle(using: &generator)
        let skus = ["SKU-KEYBOARD", "SKU-MOUSE", "SKU-HEADSET", "SKU-DOCK"]
        for (index, kind) in kinds.enumerated() {
            let id = String(format: "ord-%03d", index)
            group[id] = kind
            orders.append(
                order(id) { order in
                    withItems(
                        &order,
                        [item(skus[index % 4], Int32(1 + index % 3), 2_500), item(skus[(index + 1) % 4], 1, 1_500)])
                    switch kind {
                    case .rejected:
                        order.customerEmail = "\(id)@yopmail.com"
                        order.shippingAddress = address("KP")
                    case .reviewApprove, .reviewReject, .reviewWait:
                        order.customerEmail = "\(id)@mailinator.com"
                    case .velocity:
                        order.payment.cardFingerprint = "card-burst"
                        order.billingAddress = address("FR")
                    case .scarce:
                        var lines = [item(Self.scarceSKU, 1, 50_000)]
                        if index % 2 == 0 { lines.append(item("SKU-KEYBOARD", 1, 4_900)) }
                        withItems(&order, lines)
                    default:
                        break
                    }
                })
        }
    }

    func ids(_ kind: Group) -> [String] { group.filter { $0.value == kind }.map(\.key).sorted() }
}

/// A reproducible random source for the mix.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state
    }
}

/// Plays the humans and carriers around the pipeline: reviewers decide, ops cancel, carriers ship and deliver,
/// customers return, and the warehouse restocks the scarce SKU once every scarce order has its first answer.
actor Driver {
    let mix: OrderMix
    let pipeline: OrderPipeline
    var scarceAnswered = Set<String>()
    var restocked = false
    var failures: [String] = []

    init(mix: OrderMix, pipeline: OrderPipeline) {
        self.mix = mix
        self.pipeline = pipeline
    }

    func saw(_ topic: String, _ event: any DomainEvent) async {
        do {
            try await react(to: event)
        } catch {
            failures.append("\(error)")
        }
    }

    private func react(to event: any DomainEvent) async throws {
        let topics = pipeline.topics
        switch event {
        case let review as ReviewRequested where !review.escalated:
            switch mix.group[review.orderID] {
            case .reviewApprove: try await pipeline.send([OrderBus.review(review.orderID, approve: true)], to: topics.orderCommands)
            case .reviewReject, .velocity: try await pipeline.send([OrderBus.review(review.orderID, approve: false)], to: topics.orderCommands)
            default: break
            }
        case let change as OrderStatusChanged:
            let group = mix.group[change.orderID]
            if change.status == .reserved && group == .cancelReserved {
                try await pipeline.send([OrderBus.cancel(change.orderID)], to: topics.orderCommands)
            }
            if change.status == .delivered && group == .returning {
                let order = mix.orders.first { $0.orderID == change.orderID }!
                try await pipeline.send(
                    [OrderBus.returnRequest(change.orderID, rma: "rma-\(change.orderID)", [item(order.items[0].sku, 1, 0)])],
                    to: topics.carrier)
            }
            if group == .scarce && (change.status == .reserved || change.status == .backordered) {
                scarceAnswered.insert(change.orderID)
                if scarceAnswered.count == mix.ids(.scarce).count && !restocked {
                    restocked = true
                    try await pipeline.send(
                        [stock(OrderMix.scarceSKU, "wh-newark", OrderMix.restock, reason: .restock, id: "restock-gpu")],
                        to: topics.stock)
                }
            }
        case let update as ShipmentUpdated where update.status == .labelCreated:
            guard mix.group[update.orderID] != .cancelReserved, mix.group[update.orderID] != .cancelEarly else { return }
            var shipped = CarrierCallback()
            shipped.orderID = update.orderID
            shipped.tenantID = update.tenantID
            shipped.shipmentID = update.shipmentID
            shipped.trackingNumber = update.trackingNumber
            shipped.status = .shipped
            var delivered = shipped
            delivered.status = .delivered
            try await pipeline.send([shipped, delivered], to: topics.carrier)
        default:
            break
        }
    }
}

@Suite("Order pipeline end to end on the embedded broker", .serialized)
struct OrderPipelineTests {
    static let initialStock: [(String, String, Int64)] =
        ["SKU-KEYBOARD", "SKU-MOUSE", "SKU-HEADSET", "SKU-DOCK"].flatMap { [($0, "wh-berlin", 2_000), ($0, "wh-newark", 2_000)] }
        + [(OrderMix.scarceSKU, "wh-newark", OrderMix.scarceStock)]

    @Test("500 orders with fraud patterns, shortages, a restock, cancellations and returns reach their expected final states")
    func fiveHundredOrders() async throws {
        var running = try OrderPipeline(partitions: 4)
        try running.start(["fraud", "inventory", "fulfilment"])
        let pipeline = running
        let mix = OrderMix()
        let driver = Driver(mix: mix, pipeline: pipeline)
        let topics = pipeline.topics
        let tap = try EventTap(
            pipeline.broker, topics: [topics.assessed, topics.reserved, topics.fulfilment, topics.placed + ".dlq"],
            onEvent: { topic, event in await driver.saw(topic, event) })

        // Stock first, and wait until the inventory tier has committed it (so no order waits for initial stock).
        try await pipeline.send(Self.initialStock.map { stock($0.0, $0.1, $0.2) }, to: topics.stock)
        #expect(await eventually(timeout: .seconds(60)) { (try? await pipeline.ledgers().count) == 5 })
        // Early cancels race their orders through every tier.
        let early = Set(mix.ids(.cancelEarly))
        for chunk in stride(from: 0, to: mix.orders.count, by: 50) {
            let orders = Array(mix.orders[chunk..<min(chunk + 50, mix.orders.count)])
            try await pipeline.send(orders, to: topics.placed)
            try await pipeline.send(orders.filter { early.contains($0.orderID) }.map { OrderBus.cancel($0.orderID) }, to: topics.orderCommands)
        }

        var expected: [String: OrderStatus] = [:]
        for (id, group) in mix.group {
            switch group {
            case .normal, .reviewApprove: expected[id] = .delivered
            case .returning: expected[id] = .returned
            case .rejected, .reviewReject: expected[id] = .rejected
            case .reviewWait: expected[id] = .inReview
            case .cancelEarly, .cancelReserved: expected[id] = .cancelled
            case .velocity, .scarce: break  // counted below: which ones depends on arrival order
            }
        }
        let expectedFinal = expected
        let settled = await eventually(timeout: .seconds(180)) {
            let finals = tap.finalStatuses()
            let scarce = mix.ids(.scarce).compactMap { finals[$0] }
            let velocity = mix.ids(.velocity).compactMap { finals[$0] }
            return expectedFinal.allSatisfy { finals[$0.key] == $0.value }
                && scarce.filter { $0 == .delivered }.count == 30 && scarce.filter { $0 == .backordered }.count == 10
                && velocity.count == 8 && velocity.allSatisfy { $0 == .delivered || $0 == .rejected }
        }
        let finals = tap.finalStatuses()
        let wrong = expected.filter { finals[$0.key] != $0.value }.sorted { $0.key < $1.key }.prefix(5)
        #expect(settled, "not as expected: \(wrong.map { "\($0.key) (\(mix.group[$0.key]!)): \(String(describing: finals[$0.key]))" })")
        let failures = await driver.failures
        #expect(failures.isEmpty, "\(failures.prefix(3))")

        // Velocity: 8 orders at the same instant on one card; from the fourth the card is over its limit.
        let velocity = mix.ids(.velocity).compactMap { finals[$0] }
        #expect(velocity.filter { $0 == .rejected }.count == 5 && velocity.filter { $0 == .delivered }.count == 3)
        // Exactly one terminal state per order, and none for orders still waiting.
        let terminals = tap.terminalCounts()
        #expect(terminals.values.allSatisfy { $0 == 1 }, "\(terminals.filter { $0.value > 1 }.prefix(3))")
        #expect(terminals.count == finals.values.filter { [.delivered, .cancelled, .rejected, .returned].contains($0) }.count)
        // Refunds: one per returning order.
        #expect(Set(tap.all(RefundIssued.self).map(\.orderID)) == Set(mix.ids(.returning)))

        // Stock: never negative, conserved, and what is out equals what the delivered orders hold.
        let ledgers = try await pipeline.ledgers()
        var out: [String: Int64] = [:]
        for order in mix.orders where [.delivered, .returned].contains(finals[order.orderID]) {
            for item in order.items { out[item.sku, default: 0] += Int64(item.quantity) }
            if finals[order.orderID] == .returned { out[order.items[0].sku, default: 0] -= 1 }
        }
        for (sku, warehouse, initial) in Self.initialStock {
            let level = try #require(ledgers["acme|\(sku)"]?.levels[warehouse], "\(sku) in \(warehouse)")
            #expect(level.available >= 0 && level.reserved == 0, "\(sku)@\(warehouse): \(level)")
            let restocked = sku == OrderMix.scarceSKU ? OrderMix.restock : 0
            #expect(level.total == initial + restocked, "\(sku)@\(warehouse) conserved")
        }
        for (sku, units) in out {
            let shipped = ledgers["acme|\(sku)"]?.levels.values.reduce(0) { $0 + $1.shipped } ?? -1
            #expect(shipped == units, "\(sku): shipped \(shipped), delivered orders hold \(units)")
        }
        let gpu = try #require(ledgers["acme|\(OrderMix.scarceSKU)"])
        #expect(gpu.levels["wh-newark"]?.available == 0 && gpu.waiting.count == 10)
        await tap.stop()
        try await pipeline.stop()
    }
}
