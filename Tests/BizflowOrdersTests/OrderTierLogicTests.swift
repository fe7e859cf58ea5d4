import BizflowEvents
@testable import BizflowOrders
import BizflowTestSupport
import Foundation
import Testing

@Suite("Order tiers wired in memory: the saga, reviews, cancellations, shortages and returns")
struct OrderTierLogicTests {
    func stocked(_ levels: [(String, String, Int64)] = [("SKU-KEYBOARD", "wh-berlin", 10), ("SKU-MOUSE", "wh-berlin", 10)])
        async throws -> OrderBus
    {
        var bus = try OrderBus()
        for (sku, warehouse, units) in levels { try await bus.send(stock(sku, warehouse, units), to: bus.topics.stock) }
        return bus
    }

    @Test("a clean order is approved, reserved, labelled, shipped, delivered and partly returned")
    func happyPath() async throws {
        var bus = try await stocked()
        try await bus.send(order("O1"), to: bus.topics.placed)
        #expect(bus.statuses("O1") == [.approved, .reserved])
        #expect(bus.events(VelocityProbe.self).count == 4 && bus.events(VelocityCounted.self).count == 4)
        let label = try #require(bus.events(ShipmentUpdated.self).first)
        #expect(label.status == .labelCreated && label.trackingNumber.hasPrefix("SIM") && label.carrier == "dhl")
        #expect(bus.ledger("SKU-MOUSE")?.levels["wh-berlin"] == .init(available: 8, reserved: 2, shipped: 0, reorderPoint: 10))
        #expect(Set(bus.events(LowStock.self).map(\.sku)) == ["SKU-KEYBOARD", "SKU-MOUSE"], "both fell below 10")

        try await bus.send(OrderBus.callback("O1", .delivered), to: bus.topics.carrier)
        #expect(bus.statuses("O1") == [.approved, .reserved, .shipped, .delivered], "delivered implies shipped")
        #expect(bus.events(ShipmentUpdated.self).map(\.status) == [.labelCreated, .shipped, .inTransit, .delivered])
        #expect(bus.ledger("SKU-MOUSE")?.levels["wh-berlin"] == .init(available: 8, reserved: 0, shipped: 2, reorderPoint: 10))
        try await bus.send(OrderBus.callback("O1", .shipped), to: bus.topics.carrier)
        #expect(bus.statuses("O1").count == 4, "a late callback never moves an order back")

        try await bus.send(OrderBus.returnRequest("O1", rma: "RMA-1", [item("SKU-MOUSE", 1, 0)]), to: bus.topics.carrier)
        try await bus.send(OrderBus.returnRequest("O1", rma: "RMA-1", [item("SKU-MOUSE", 1, 0)]), to: bus.topics.carrier)
        #expect(bus.statuses("O1").last == .returned)
        let refunds = bus.events(RefundIssued.self)
        #expect(refunds.count == 1 && refunds[0].amount.amountMinor == 1_900 && refunds[0].amount.currency == "EUR")
        #expect(bus.ledger("SKU-MOUSE")?.levels["wh-berlin"] == .init(available: 9, reserved: 0, shipped: 1, reorderPoint: 10))
        try await bus.send(OrderBus.returnRequest("O1", rma: "RMA-2", [item("SKU-MOUSE", 2, 0)]), to: bus.topics.carrier)
        #expect(bus.deadLetters.last?.reason.contains("1 delivered and not yet returned") == true)
        #expect(Set(bus.events(CustomerNotification.self).map(\.kind)) == ["order_confirmed", "shipped", "delivered", "refunded"])
    }

    @Test("low-stock alerts fire when a reservation takes a SKU below its reorder point")
    func lowStockAlert() async throws {
        var bus = try await stocked([("SKU-KEYBOARD", "wh-berlin", 10), ("SKU-MOUSE", "wh-berlin", 40)])
        #expect(bus.events(LowStock.self).isEmpty, "at the reorder point is not below it")
        try await bus.send(order("O1"), to: bus.topics.placed)
        let alerts = bus.events(LowStock.self)
        #expect(alerts.map(\.sku) == ["SKU-KEYBOARD"] && alerts.first?.available == 9 && alerts.first?.reorderPoint == 10)
    }

    @Test("a risky order waits for a reviewer; approval continues it, rejection ends it; a missed SLA escalates once")
    func reviews() async throws {
        var bus = try await stocked()
        try await bus.send(order("R1") { $0.customerEmail = "r1@mailinator.com" }, to: bus.topics.placed)
        try await bus.send(order("R2") { $0.customerEmail = "r2@mailinator.com" }, to: bus.topics.placed)
        #expect(bus.statuses("R1") == [.inReview] && bus.events(ReviewRequested.self).count == 2)
        bus.now += 61 * 60
        try await bus.fireFraudTimer(key: "acme|R2")
        #expect(bus.events(ReviewRequested.self).filter(\.escalated).map(\.orderID) == ["R2"])

        try await bus.send(OrderBus.review("R1", approve: true), to: bus.topics.orderCommands)
        try await bus.send(OrderBus.review("R2", approve: false), to: bus.topics.orderCommands)
        #expect(bus.statuses("R1") == [.inReview, .approved, .reserved])
        #expect(bus.statuses("R2") == [.inReview, .rejected])
        let decision = try #require(bus.events(OrderAssessed.self).last { $0.orderID == "R1" })
        #expect(decision.decidedBy == "rita" && decision.reasons.first?.rule == "review")
        // Decisions on orders not in review are refused with a reason.
        try await bus.send(OrderBus.review("R1", approve: false), to: bus.topics.orderCommands)
        #expect(bus.deadLetters.last?.reason.contains("not in review") == true)
        bus.now += 3600
        try await bus.fireFraudTimer(key: "acme|R2")
        #expect(bus.events(ReviewRequested.self).filter(\.escalated).count == 1, "the timer went with the decision")
    }

    @Test("velocity is counted across orders: a burst on one card is flagged from the fourth order on")
    func velocity() async throws {
        var bus = try await stocked([("SKU-KEYBOARD", "wh-berlin", 50), ("SKU-MOUSE", "wh-berlin", 50)])
        for i in 1...5 {
            try await bus.send(order("V\(i)") { $0.payment.cardFingerprint = "stolen"; $0.billingAddress = address("FR") }, to: bus.topics.placed)
        }
        let scores = bus.events(OrderAssessed.self).map(\.riskScore)
        #expect(scores == [15, 15, 15, 50, 50], "mismatch alone, then card velocity on top")
        #expect(bus.statuses("V4") == [.inReview])
    }

    @Test("cancellations end the order wherever it is, release its stock, and are refused once shipped")
    func cancellations() async throws {
        var bus = try await stocked([("SKU-KEYBOARD", "wh-berlin", 10), ("SKU-MOUSE", "wh-berlin", 10)])
        // Before the order arrives: remembered, and applied on arrival.
        try await bus.send(OrderBus.cancel("C1"), to: bus.topics.orderCommands)
        try await bus.send(order("C1"), to: bus.topics.placed)
        #expect(bus.statuses("C1") == [.cancelled])
        // In review.
        try await bus.send(order("C2") { $0.customerEmail = "c2@yopmail.com" }, to: bus.topics.placed)
        try await bus.send(OrderBus.cancel("C2"), to: bus.topics.orderCommands)
        #expect(bus.statuses("C2") == [.inReview, .cancelled])
        // Reserved and labelled: the stock goes back.
        try await bus.send(order("C3"), to: bus.topics.placed)
        #expect(bus.ledger("SKU-MOUSE")?.levels["wh-berlin"]?.reserved == 2)
        try await bus.send(OrderBus.cancel("C3"), to: bus.topics.orderCommands)
        #expect(bus.statuses("C3") == [.approved, .reserved, .cancelled])
        #expect(bus.ledger("SKU-MOUSE")?.levels["wh-berlin"] == .init(available: 10, reserved: 0, shipped: 0, reorderPoint: 10))
        // Shipped: refused, with what to do instead.
        try await bus.send(order("C4"), to: bus.topics.placed)
        try await bus.send(OrderBus.callback("C4", .shipped), to: bus.topics.carrier)
        try await bus.send(OrderBus.cancel("C4"), to: bus.topics.orderCommands)
        #expect(bus.statuses("C4").last == .shipped)
        #expect(bus.deadLetters.contains { $0.tier == "fulfilment" && $0.reason.contains("request a return") })
        // Without an actor or a reason a cancel is refused by every tier.
        try await bus.send(OrderBus.cancel("C4", actor: "", reason: ""), to: bus.topics.orderCommands)
        #expect(bus.deadLetters.filter { $0.reason.contains("actor is required") }.count == 3)
        // Every order has exactly one terminal status.
        for id in ["C1", "C2", "C3"] {
            #expect(bus.statuses(id).filter { [.cancelled, .rejected, .delivered].contains($0) }.count == 1, "\(id)")
        }
    }

    @Test("a shortage backorders the order, releases its other lines, and a restock serves it first come, first served")
    func backorders() async throws {
        var bus = try await stocked([("SKU-KEYBOARD", "wh-berlin", 10), ("SKU-GPU-LIMITED", "wh-newark", 1)])
        let gpu = [item("SKU-GPU-LIMITED", 1, 90_000), item("SKU-KEYBOARD", 2, 4_900)]
        for id in ["B1", "B2", "B3"] {
            try await bus.send(order(id) { withItems(&$0, gpu); $0.customerID = "vip-\(id)" }, to: bus.topics.placed)
        }
        #expect(bus.statuses("B1") == [.approved, .reserved])
        #expect(bus.statuses("B2") == [.approved, .backordered] && bus.statuses("B3") == [.approved, .backordered])
        let backorder = try #require(bus.events(OrderBackordered.self).first)
        #expect(backorder.missing.map(\.sku) == ["SKU-GPU-LIMITED"] && backorder.missing[0].available == 0)
        // B2 and B3's keyboards went back: only B1 holds any.
        #expect(bus.ledger("SKU-KEYBOARD")?.levels["wh-berlin"] == .init(available: 8, reserved: 2, shipped: 0, reorderPoint: 10))
        #expect(bus.ledger("SKU-GPU-LIMITED")?.waiting.map(\.orderID) == ["B2", "B3"])

        try await bus.send(stock("SKU-GPU-LIMITED", "wh-newark", 1, reason: .restock, id: "restock-1"), to: bus.topics.stock)
        #expect(bus.statuses("B2") == [.approved, .backordered, .reserved], "the first waiting order is served first")
        #expect(bus.statuses("B3") == [.approved, .backordered])
        // B3 is cancelled while waiting: it leaves the queue, and a later restock stays on the shelf.
        try await bus.send(OrderBus.cancel("B3"), to: bus.topics.orderCommands)
        #expect(bus.statuses("B3") == [.approved, .backordered, .cancelled])
        #expect(bus.ledger("SKU-GPU-LIMITED")?.waiting.isEmpty == true)
        try await bus.send(stock("SKU-GPU-LIMITED", "wh-newark", 1, reason: .restock, id: "restock-2"), to: bus.topics.stock)
        let gpus = try #require(bus.ledger("SKU-GPU-LIMITED")?.levels["wh-newark"])
        #expect(gpus.available == 1 && gpus.reserved == 2 && gpus.total == 3)
        #expect(bus.ledger("SKU-KEYBOARD")?.levels["wh-berlin"]?.reserved == 4)
    }

    @Test("bad stock adjustments are refused: unknown warehouse, zero delta, taking more than is available")
    func badAdjustments() async throws {
        var bus = try await stocked([("SKU-MOUSE", "wh-berlin", 3)])
        try await bus.send(stock("SKU-MOUSE", "wh-mars", 5), to: bus.topics.stock)
        try await bus.send(stock("SKU-MOUSE", "wh-berlin", 0), to: bus.topics.stock)
        try await bus.send(stock("SKU-MOUSE", "wh-berlin", -4, reason: .damage), to: bus.topics.stock)
        let reasons = bus.deadLetters.map(\.reason)
        #expect(reasons.count == 3)
        #expect(reasons[0].contains("wh-mars is not in warehouses.yaml"))
        #expect(reasons[1].contains("delta must not be 0"))
        #expect(reasons[2].contains("would leave -1 available"))
        #expect(bus.ledger("SKU-MOUSE")?.levels["wh-berlin"]?.available == 3)
    }
}
