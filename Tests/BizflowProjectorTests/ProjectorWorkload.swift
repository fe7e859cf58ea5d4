import BizflowEvents
import BizflowKafka
import BizflowRuntime
import BizflowTestSupport
import BizflowTopology
import Foundation
import SwiftProtobuf

/// A seeded workload over the projector's topics, with the read models it must produce (the oracle).
struct ProjectorWorkload {
    var records: [ProducerMessage] = []
    /// How many records repeat an earlier one (same event id): they must change nothing.
    var duplicates = 0
    var expectedLeads: [String: (score: Int, stage: String)] = [:]
    var expectedOrders: [String: String] = [:]
    var expectedStock: [String: (available: Int64, reserved: Int64)] = [:]
    var expectedEngagements = 0

    var distinctEvents: Int { records.count - duplicates }

    init(tenant: String = "acme", leads: Int = 300, orders: Int = 200, seed: UInt64 = 11) {
        var random = SeedRandom(seed)
        let at = Date(timeIntervalSince1970: 1_790_000_000)
        func add(_ event: any DomainEvent, _ topic: String, _ index: Int) {
            let envelope = EventEnvelope(
                id: EventID.derived("workload", type(of: event).eventType, String(index)), source: "test",
                type: type(of: event).eventType, time: at.addingTimeInterval(Double(index)), tenantID: tenant)
            records.append(try! EventRecord.make(event, envelope: envelope, topic: topic))
        }
        var index = 0
        func next() -> Int {
            index += 1
            return index
        }
        for i in 0..<leads {
            let id = "lead-\(i)"
            var captured = LeadCaptured()
            captured.leadID = id
            captured.tenantID = tenant
            captured.source = [.webForm, .referral, .event][i % 3]
            captured.capturedAt = Google_Protobuf_Timestamp(date: at)
            add(captured, "leads.captured", next())
            var scored = LeadScored()
            scored.leadID = id
            scored.tenantID = tenant
            scored.total = Int32(i % 100)
            scored.band = i % 100 >= 70 ? .hot : .cold
            scored.lead = captured
            add(scored, "leads.scored", next())
            var stage = "scored"
            if i % 3 == 0 {
                let converted = i % 9 == 0
                let engagement = LeadEngagement.with {
                    $0.engagementID = "e-\(i)"; $0.leadID = id; $0.tenantID = tenant; $0.kind = converted ? .converted : .reply
                }
                add(engagement, "leads.engagement", next())
                expectedEngagements += 1
                stage = converted ? "converted" : "engaged"
            }
            expectedLeads[id] = (i % 100, stage)
        }
        let skus = ["SKU-1", "SKU-2", "SKU-3", "SKU-4", "SKU-5"]
        for sku in skus {
            add(StockAdjusted.with { $0.adjustmentID = "a-\(sku)"; $0.tenantID = tenant; $0.sku = sku; $0.warehouseID = "wh-berlin"; $0.delta = 100 }, "inventory.stock", next())
            expectedStock[sku] = (100, 0)
        }
        let lifecycle: [OrderStatus] = [.approved, .reserved, .shipped, .delivered]
        for i in 0..<orders {
            let id = "order-\(i)"
            let placed = OrderPlaced.with {
                $0.orderID = id; $0.tenantID = tenant; $0.currency = "EUR"; $0.total = 1_000; $0.placedAt = Google_Protobuf_Timestamp(date: at)
            }
            add(placed, "orders.placed", next())
            let sku = skus[i % skus.count]
            let quantity = Int32(1 + i % 3)
            add(ReservationAnswered.with {
                $0.orderID = id; $0.tenantID = tenant; $0.sku = sku; $0.quantity = quantity; $0.action = .reserve; $0.granted = true
                $0.warehouseID = "wh-berlin"
            }, "inventory.answers", next())
            expectedStock[sku]!.available -= Int64(quantity)
            expectedStock[sku]!.reserved += Int64(quantity)
            let steps = 1 + Int(random.next() % 4)
            var previous = OrderStatus.placed
            for status in lifecycle.prefix(steps) {
                add(OrderStatusChanged.with { $0.orderID = id; $0.tenantID = tenant; $0.status = status; $0.previous = previous }, "orders.fulfilment", next())
                previous = status
            }
            expectedOrders[id] = Self.statusName(previous)
            if i % 7 == 0 && steps < 3 {
                add(ReservationAnswered.with {
                    $0.orderID = id; $0.tenantID = tenant; $0.sku = sku; $0.quantity = quantity; $0.action = .release; $0.granted = true
                    $0.warehouseID = "wh-berlin"
                }, "inventory.answers", next())
                add(OrderStatusChanged.with { $0.orderID = id; $0.tenantID = tenant; $0.status = .cancelled; $0.previous = previous }, "orders.fulfilment", next())
                expectedStock[sku]!.available += Int64(quantity)
                expectedStock[sku]!.reserved -= Int64(quantity)
                expectedOrders[id] = "cancelled"
            }
        }
        // Redeliveries: the same records again (as an aborted write on the embedded broker would show them).
        for _ in 0..<30 {
            records.append(records[Int(random.next() % UInt64(records.count))])
            duplicates += 1
        }
    }

    static func statusName(_ status: OrderStatus) -> String {
        switch status {
        case .approved: "approved"
        case .reserved: "reserved"
        case .shipped: "shipped"
        case .delivered: "delivered"
        case .cancelled: "cancelled"
        default: "placed"
        }
    }

    /// Every difference between the read models and the oracle (empty when they agree).
    func differences(_ database: TestDatabase) async throws -> [String] {
        var problems: [String] = []
        let db = database.connection
        let leads = try await db.query("SELECT lead_id, score, stage FROM leads")
        if leads.count != expectedLeads.count { problems.append("leads: \(leads.count) rows, expected \(expectedLeads.count)") }
        for row in 0..<leads.count {
            guard let id = leads.value(row, "lead_id"), let expected = expectedLeads[id] else { continue }
            if leads.int(row, "score") != Int64(expected.score) || leads.value(row, "stage") != expected.stage {
                problems.append("lead \(id): \(leads.rows[row]) expected \(expected)")
            }
        }
        let history = try await db.query("SELECT count(*) AS c FROM score_history").int(0, "c")
        if history != Int64(expectedLeads.count) { problems.append("score_history: \(history ?? -1) rows") }
        let engagements = try await db.query("SELECT count(*) AS c FROM engagements").int(0, "c")
        if engagements != Int64(expectedEngagements) { problems.append("engagements: \(engagements ?? -1) rows") }
        let orders = try await db.query("SELECT order_id, status FROM orders")
        if orders.count != expectedOrders.count { problems.append("orders: \(orders.count) rows") }
        for row in 0..<orders.count {
            guard let id = orders.value(row, "order_id") else { continue }
            if orders.value(row, "status") != expectedOrders[id] {
                problems.append("order \(id): \(orders.value(row, "status") ?? "-") expected \(expectedOrders[id] ?? "-")")
            }
        }
        let stock = try await db.query("SELECT sku, available, reserved FROM inventory_levels")
        for row in 0..<stock.count {
            guard let sku = stock.value(row, "sku"), let expected = expectedStock[sku] else { continue }
            if stock.int(row, "available") != expected.available || stock.int(row, "reserved") != expected.reserved {
                problems.append("stock \(sku): \(stock.rows[row]) expected \(expected)")
            }
        }
        let applied = try await db.query("SELECT count(*) AS c FROM applied_events").int(0, "c")
        if applied != Int64(distinctEvents) { problems.append("applied events: \(applied ?? -1), expected \(distinctEvents)") }
        return problems
    }
}

/// A small reproducible random source.
struct SeedRandom {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 11
    }
}
