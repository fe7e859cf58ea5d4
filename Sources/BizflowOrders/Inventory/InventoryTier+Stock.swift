import BizflowEvents
import BizflowRuntime
import Foundation
import SwiftProtobuf

/// The SKU side (partition of the SKU): the only place a SKU's stock changes.
extension InventoryTier {
    func requested(_ request: ReservationRequested, state: inout TierState, now: Date) throws -> [Emit] {
        guard request.quantity > 0 || request.action == .release else {
            throw TierError.invalid("quantity must be positive (got \(request.quantity))")
        }
        let stockKey = OrderKey.scoped(request.tenantID, request.sku)
        let holdKey = OrderKey.scoped(request.tenantID, request.sku + "|" + request.orderID)
        let before = state.value(StockLedger.self, Self.stock, stockKey) ?? StockLedger()
        var ledger = before
        let held = state.value(StockHold.self, Self.holds, holdKey)
        var hold = held
        var answer = Answer(granted: false, warehouse: hold?.warehouse ?? "", reason: "")
        var served: [(waiter: StockLedger.Waiter, warehouse: String)] = []
        switch request.action {
        case .reserve:
            if let hold {
                answer = Answer(granted: true, warehouse: hold.warehouse)  // asked again: the same answer, nothing moved
            } else if ledger.waiting.isEmpty,  // first come, first served: nobody overtakes a waiting order
                let warehouse = ledger.warehouse(for: Int64(request.quantity), preferred: request.warehouseID)
            {
                ledger.reserve(Int64(request.quantity), at: warehouse)
                hold = StockHold(warehouse: warehouse, quantity: Int64(request.quantity))
                answer = Answer(granted: true, warehouse: warehouse, moved: Int64(request.quantity))
            } else {
                ledger.enqueue(
                    .init(
                        orderID: request.orderID, quantity: Int64(request.quantity), preferred: request.warehouseID,
                        lineCount: request.lineCount))
                answer.reason =
                    ledger.levels.isEmpty
                    ? "no stock of \(request.sku) was ever recorded"
                    : ledger.waiting.count > 1 && ledger.waiting.first?.orderID != request.orderID
                        ? "\(ledger.waiting.count - 1) earlier orders are waiting for \(request.sku)"
                        : "\(request.quantity) requested, at most \(ledger.bestAvailable) available in one warehouse"
            }
        case .release:
            if let current = hold, !current.shipped {
                ledger.release(current.quantity, at: current.warehouse)
                answer.warehouse = current.warehouse
                answer.moved = current.quantity
                hold = nil
            }
            ledger.removeWaiter(request.orderID)
            answer.granted = true
            served = ledger.serveWaiting()
        case .ship:
            if var current = hold {
                if !current.shipped {
                    ledger.ship(current.quantity, at: current.warehouse)
                    answer.moved = current.quantity
                }
                current.shipped = true
                hold = current
                answer.granted = true
            } else {
                answer.reason = "order \(request.orderID) holds no reservation of \(request.sku)"
            }
        case .return:
            answer = receiveReturn(request, hold: &hold, ledger: &ledger)
            served = ledger.serveWaiting()
        default:
            throw TierError.invalid("action must be reserve, release, ship or return")
        }
        if ledger != before { state.set(ledger, Self.stock, stockKey) }
        if hold != held { state.set(hold, Self.holds, holdKey) }
        var emits = [
            Emit(
                answered(request, answer, available: ledger.levels[answer.warehouse]?.available ?? ledger.bestAvailable, now: now))
        ]
        emits += grants(served, sku: request.sku, tenant: request.tenantID, ledger: ledger, state: &state, now: now)
        emits += lowStock(ledger, since: before, sku: request.sku, tenant: request.tenantID, now: now)
        return emits
    }

    func adjusted(_ adjustment: StockAdjusted, state: inout TierState, now: Date) throws -> [Emit] {
        var problems: [String] = []
        if warehouses.warehouse(adjustment.warehouseID) == nil {
            problems.append("warehouse \(adjustment.warehouseID) is not in warehouses.yaml")
        }
        if adjustment.delta == 0 && adjustment.reorderPoint <= 0 {
            problems.append("delta must not be 0 (unless the adjustment sets a reorder_point)")
        }
        if adjustment.reorderPoint < 0 { problems.append("reorder_point must not be negative") }
        guard problems.isEmpty else { throw TierError.invalid(problems.joined(separator: "; ")) }
        let stockKey = OrderKey.scoped(adjustment.tenantID, adjustment.sku)
        let before = state.value(StockLedger.self, Self.stock, stockKey) ?? StockLedger()
        var ledger = before
        if let refused = ledger.adjust(
            adjustment.warehouseID, delta: adjustment.delta, reorderPoint: adjustment.reorderPoint,
            defaultReorderPoint: warehouses.defaultReorderPoint)
        {
            throw TierError.invalid(refused)
        }
        let served = ledger.serveWaiting()
        state.set(ledger, Self.stock, stockKey)
        return grants(served, sku: adjustment.sku, tenant: adjustment.tenantID, ledger: ledger, state: &state, now: now)
            + lowStock(ledger, since: before, sku: adjustment.sku, tenant: adjustment.tenantID, now: now)
    }

    /// What the SKU's owner answers.
    struct Answer {
        var granted: Bool
        var warehouse: String
        var reason = ""
        /// Units this request moved between buckets (0 for a repeat or a refusal): what read models add up.
        var moved: Int64 = 0
    }

    private func receiveReturn(_ request: ReservationRequested, hold: inout StockHold?, ledger: inout StockLedger) -> Answer {
        guard var held = hold, held.shipped else {
            return Answer(granted: false, warehouse: "", reason: "order \(request.orderID) shipped no \(request.sku)")
        }
        if !request.reference.isEmpty && held.returns.contains(request.reference) {
            return Answer(granted: true, warehouse: held.warehouse)  // this return was already received
        }
        let quantity = Int64(request.quantity)
        guard quantity <= held.quantity - held.returned else {
            return Answer(
                granted: false, warehouse: held.warehouse,
                reason: "\(quantity) returned but only \(held.quantity - held.returned) shipped and not yet returned")
        }
        ledger.receiveReturn(quantity, at: held.warehouse)
        held.returned += quantity
        if !request.reference.isEmpty { held.returns.append(request.reference) }
        hold = held
        return Answer(granted: true, warehouse: held.warehouse, moved: quantity)
    }

    /// Holds and answers for waiting orders that a restock, release or return could serve.
    private func grants(
        _ served: [(waiter: StockLedger.Waiter, warehouse: String)], sku: String, tenant: String, ledger: StockLedger,
        state: inout TierState, now: Date
    ) -> [Emit] {
        served.map { waiter, warehouse in
            state.set(
                StockHold(warehouse: warehouse, quantity: waiter.quantity), Self.holds,
                OrderKey.scoped(tenant, sku + "|" + waiter.orderID))
            var request = ReservationRequested()
            request.orderID = waiter.orderID
            request.tenantID = tenant
            request.sku = sku
            request.quantity = Int32(waiter.quantity)
            request.action = .reserve
            request.lineCount = waiter.lineCount
            return Emit(
                answered(
                    request, Answer(granted: true, warehouse: warehouse, moved: waiter.quantity),
                    available: ledger.levels[warehouse]?.available ?? 0, now: now))
        }
    }

    private func answered(_ request: ReservationRequested, _ answer: Answer, available: Int64, now: Date) -> ReservationAnswered {
        var event = ReservationAnswered()
        event.orderID = request.orderID
        event.tenantID = request.tenantID
        event.sku = request.sku
        event.quantity = Int32(answer.moved)
        event.action = request.action
        event.granted = answer.granted
        event.warehouseID = answer.warehouse
        event.availableAfter = available
        event.lineCount = request.lineCount
        event.reference = request.reference
        event.reason = answer.reason
        event.answeredAt = Google_Protobuf_Timestamp(date: now)
        return event
    }

    private func lowStock(_ ledger: StockLedger, since before: StockLedger, sku: String, tenant: String, now: Date) -> [Emit] {
        ledger.crossedReorderPoint(since: before).map { warehouse in
            var alert = LowStock()
            alert.tenantID = tenant
            alert.sku = sku
            alert.warehouseID = warehouse
            alert.available = ledger.levels[warehouse]?.available ?? 0
            alert.reorderPoint = ledger.levels[warehouse]?.reorderPoint ?? 0
            alert.detectedAt = Google_Protobuf_Timestamp(date: now)
            return Emit(alert)
        }
    }
}
