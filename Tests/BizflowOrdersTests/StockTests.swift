import BizflowEvents
@testable import BizflowOrders
import Foundation
import Testing

@Suite("Stock ledger, the reservation join and shipment planning")
struct StockTests {
    func ledger(_ levels: [(String, Int64)]) -> StockLedger {
        var ledger = StockLedger()
        for (warehouse, units) in levels {
            #expect(ledger.adjust(warehouse, delta: units, reorderPoint: 0, defaultReorderPoint: 5) == nil)
        }
        return ledger
    }

    @Test("a line is reserved from the preferred warehouse, else the one with the most stock; never below zero")
    func warehouseChoice() {
        let stock = ledger([("wh-a", 3), ("wh-b", 8), ("wh-c", 8)])
        #expect(stock.warehouse(for: 2, preferred: "wh-a") == "wh-a")
        #expect(stock.warehouse(for: 5, preferred: "wh-a") == "wh-b", "most stock, ties by id")
        #expect(stock.warehouse(for: 9, preferred: "wh-a") == nil, "a line never splits across warehouses")
        #expect(stock.bestAvailable == 8 && stock.totalAvailable == 19)
        var refused = stock
        #expect(refused.adjust("wh-a", delta: -4, reorderPoint: 0, defaultReorderPoint: 5)?.contains("would leave -1") == true)
        #expect(refused == stock, "a refused adjustment changes nothing")
    }

    @Test("reserve, release, ship and return move units between buckets and conserve the total")
    func conservation() {
        var stock = ledger([("wh-a", 10)])
        stock.reserve(4, at: "wh-a")
        #expect(stock.levels["wh-a"] == .init(available: 6, reserved: 4, shipped: 0, reorderPoint: 5))
        stock.ship(3, at: "wh-a")
        stock.release(1, at: "wh-a")
        stock.receiveReturn(2, at: "wh-a")
        #expect(stock.levels["wh-a"] == .init(available: 9, reserved: 0, shipped: 1, reorderPoint: 5))
        #expect(stock.levels["wh-a"]?.total == 10)
    }

    @Test("waiting orders are served first come, first served, and a later small order never jumps the queue")
    func firstComeFirstServed() {
        var stock = ledger([("wh-a", 0)])
        for (order, units) in [("o1", 3), ("o2", 1), ("o3", 2)] {
            stock.enqueue(.init(orderID: order, quantity: Int64(units), preferred: "wh-a", lineCount: 1))
        }
        stock.enqueue(.init(orderID: "o2", quantity: 1, preferred: "wh-a", lineCount: 1))
        #expect(stock.waiting.map(\.orderID) == ["o1", "o2", "o3"], "enqueueing twice keeps one place")
        _ = stock.adjust("wh-a", delta: 2, reorderPoint: 0, defaultReorderPoint: 5)
        #expect(stock.serveWaiting().isEmpty, "o1 needs 3: o2 must not overtake it")
        _ = stock.adjust("wh-a", delta: 2, reorderPoint: 0, defaultReorderPoint: 5)
        #expect(stock.serveWaiting().map(\.waiter.orderID) == ["o1", "o2"])
        #expect(stock.waiting.map(\.orderID) == ["o3"])
        #expect(stock.levels["wh-a"] == .init(available: 0, reserved: 4, shipped: 0, reorderPoint: 5))
        stock.removeWaiter("o3")
        #expect(stock.waiting.isEmpty)
    }

    @Test("low stock fires when available falls below the reorder point, once per crossing")
    func lowStock() {
        let full = ledger([("wh-a", 20), ("wh-b", 3)])
        #expect(full.crossedReorderPoint(since: StockLedger()) == ["wh-b"], "new stock already below its point")
        var after = full
        after.reserve(16, at: "wh-a")
        #expect(after.crossedReorderPoint(since: full) == ["wh-a"])
        var again = after
        again.reserve(1, at: "wh-a")
        #expect(again.crossedReorderPoint(since: after).isEmpty, "already below: no second alert")
    }

    // MARK: The join

    func join(_ lines: [(String, Int64)]) -> OrderReservation {
        OrderReservation(phase: .reserving, lines: OrderReservation.lines(lines.map { (sku: $0.0, quantity: $0.1) }))
    }

    @Test("lines are aggregated per SKU; every grant in reserves the order")
    func allGranted() {
        var order = join([("B", 1), ("A", 2), ("B", 3)])
        #expect(order.lines.map(\.sku) == ["A", "B"] && order.lines.map(\.quantity) == [2, 4])
        order.answer(sku: "A", granted: true, warehouse: "w1", available: 5)
        #expect(order.next() == .wait)
        order.answer(sku: "B", granted: true, warehouse: "w2", available: 0)
        #expect(order.next() == .reserved)
        #expect(order.phase == .reserved)
    }

    @Test("a short line backorders the order and releases what was held; served from the waiting list, it asks again")
    func shortageAndCompensation() {
        var order = join([("A", 1), ("B", 1), ("C", 1)])
        order.answer(sku: "A", granted: true, warehouse: "w1", available: 9)
        order.answer(sku: "B", granted: false, warehouse: "", available: 0)
        #expect(order.next() == .wait, "C is still out")
        order.answer(sku: "C", granted: true, warehouse: "w1", available: 9)
        guard case .backorder(let release, let missing) = order.next() else {
            Issue.record("expected a backorder")
            return
        }
        #expect(release == ["A", "C"] && missing.map(\.sku) == ["B"])
        #expect(order.phase == .backordered && order.releasable == ["B"])
        // A repeated refusal of B changes nothing; B served from the waiting list: A and C are asked for again.
        order.answer(sku: "B", granted: false, warehouse: "", available: 0)
        #expect(order.next() == .wait)
        order.answer(sku: "B", granted: true, warehouse: "w2", available: 0)
        #expect(order.next() == .request(["A", "C"]))
        order.answer(sku: "A", granted: true, warehouse: "w1", available: 8)
        order.answer(sku: "C", granted: false, warehouse: "", available: 0)
        guard case .stillShort(let short) = order.next() else {
            Issue.record("expected still short")
            return
        }
        #expect(short.map(\.sku) == ["C"] && order.phase == .backordered, "B and A stay held: no second compensation")
        order.answer(sku: "C", granted: true, warehouse: "w1", available: 0)
        #expect(order.next() == .reserved)
    }

    @Test("a grant for a line that is already held changes nothing")
    func repeatedGrant() {
        var order = join([("A", 1)])
        order.answer(sku: "A", granted: true, warehouse: "w1", available: 1)
        order.answer(sku: "A", granted: true, warehouse: "w9", available: 1)
        #expect(order.lines[0].warehouse == "w1")
    }

    // MARK: Planning

    @Test("parcels per warehouse with the cheapest service of the order's level; faster when none fits")
    func planning() throws {
        let planner = ShipmentPlanner(config: try shippedFulfilment(), warehouses: try shippedWarehouses())
        let domestic = try planner.plan(
            orderID: "O1", reservations: [("SKU-MOUSE", 2, "wh-berlin"), ("SKU-MONITOR", 1, "wh-leeds")], country: "DE",
            level: "standard"
        ).get()
        #expect(domestic.map(\.shipmentID) == ["O1-s1", "O1-s2"])
        #expect(domestic[0].warehouse == "wh-berlin" && domestic[0].zone == "domestic" && domestic[0].carrier == "dhl")
        #expect(domestic[0].weightGrams == 300 && domestic[0].rateMinor == 590 + 40)
        #expect(domestic[1].zone == "regional" && domestic[1].weightGrams == 5400 && domestic[1].rateMinor == 590 + 6 * 40)
        // Overseas standard: only ups worldwide ships it.
        let overseas = try planner.plan(orderID: "O2", reservations: [("SKU-DOCK", 1, "wh-berlin")], country: "US", level: "").get()
        #expect(overseas[0].zone == "international" && overseas[0].carrier == "ups" && overseas[0].service == "worldwide")
        // Overnight abroad: no overnight service goes international, so the cheapest faster-or-any service.
        let rushed = try planner.plan(orderID: "O3", reservations: [("SKU-DOCK", 1, "wh-newark")], country: "DE", level: "overnight").get()
        #expect(rushed[0].service == "express" || rushed[0].service == "worldwide")
        // 80 kg fits no service.
        let heavy = planner.plan(orderID: "O4", reservations: [("SKU-MONITOR", 15, "wh-berlin")], country: "DE", level: "standard")
        #expect(throws: ShipmentPlanner.PlanningError.self) { try heavy.get() }
    }

    @Test("shipped configurations are valid and bad ones say what is wrong")
    func configurations() throws {
        #expect(try shippedWarehouses().problems().isEmpty)
        #expect(try shippedFulfilment().problems().isEmpty)
        var warehouses = try shippedWarehouses()
        warehouses.warehouses.append(.init(id: "wh-berlin", name: "Again", country: "DE", region: "mars"))
        #expect(warehouses.problems().contains("warehouse ids must be unique"))
        #expect(warehouses.problems().contains { $0.contains("region mars") })
        var fulfilment = try shippedFulfilment()
        fulfilment.labelEndpoint = "ftp://carrier"
        fulfilment.services[0].level = "warp"
        #expect(fulfilment.problems().contains { $0.contains("label_endpoint") })
        #expect(fulfilment.problems().contains { $0.contains("level must be one of") })
        let env = try FulfilmentConfig.load(
            path: topologyDirectory + "/fulfilment.yaml", environment: ["BIZFLOW_CARRIER_URL": "http://127.0.0.1:1/labels"])
        #expect(env.labelEndpoint == "http://127.0.0.1:1/labels")
    }
}
