import BizflowEvents
import BizflowRuntime
import Foundation
import SwiftProtobuf

extension FulfilmentTier {
    /// A carrier's tracking callback. Shipments only move forward; a callback that skips a step implies it
    /// (delivered before shipped ships first). The order ships with its first parcel and is delivered with its last.
    func carrier(_ callback: CarrierCallback, state: inout TierState, now: Date) throws -> [Emit] {
        let key = OrderKey.scoped(callback.tenantID, callback.orderID)
        guard var current = state.value(FulfilmentCase.self, Self.orders, key), !current.shipments.isEmpty,
            let order = try? OrderPlaced(serializedBytes: current.order)
        else {
            let phase = state.value(FulfilmentCase.self, Self.orders, key)?.phase
            throw TierError.invalid(
                phase == .cancelled
                    ? "order \(callback.orderID) was cancelled: a carrier callback cannot apply"
                    : "order \(callback.orderID) has no shipment: is the callback for another tenant or order?")
        }
        guard
            let index = current.shipments.firstIndex(where: {
                $0.plan.shipmentID == callback.shipmentID
                    || (callback.shipmentID.isEmpty && $0.tracking == callback.trackingNumber)
            })
        else {
            throw TierError.invalid("order \(callback.orderID) has no shipment \(callback.shipmentID) (tracking \(callback.trackingNumber))")
        }
        var emits: [Emit] = []
        let target = FulfilmentCase.rank(callback.status)
        if callback.status == .failed {
            emits.append(Emit(update(current.shipments[index], order: order, .failed, now: now)))
        } else if target == 0 {
            throw TierError.invalid("status must be shipped, in_transit, delivered or failed")
        }
        var shipment = current.shipments[index]
        for status in [ShipmentStatus.shipped, .inTransit, .delivered]
        where FulfilmentCase.rank(status) <= target && FulfilmentCase.rank(status) > shipment.status {
            if status == .shipped {
                emits += shipment.plan.lines.map {
                    stockRequest($0.sku, $0.quantity, .ship, order: order, reference: shipment.plan.shipmentID, now: now)
                }
            }
            shipment.status = FulfilmentCase.rank(status)
            emits.append(Emit(update(shipment, order: order, status, now: now)))
        }
        current.shipments[index] = shipment
        let carrierName = "\(shipment.plan.carrier) \(shipment.tracking)"
        if current.phase == .planned && current.shipments.contains(where: { $0.status >= 2 }) {
            current.phase = .shipped
            emits.append(status(order, .shipped, from: .reserved, "shipped with \(carrierName)", "carrier", now))
            emits.append(notify("shipped", order, detail: "Track it with \(carrierName).", now: now))
        }
        if current.phase == .shipped && current.shipments.allSatisfy({ $0.status >= 4 }) {
            current.phase = .delivered
            emits.append(status(order, .delivered, from: .shipped, "delivered by \(shipment.plan.carrier)", "carrier", now))
            emits.append(notify("delivered", order, detail: "Delivered by \(shipment.plan.carrier).", now: now))
        }
        state.set(current, Self.orders, key)
        return emits
    }

    /// A return of delivered items: an RMA, the refund of their price, and the units back in stock.
    func returned(_ request: ReturnRequested, state: inout TierState, now: Date) throws -> [Emit] {
        let key = OrderKey.scoped(request.tenantID, request.orderID)
        guard var current = state.value(FulfilmentCase.self, Self.orders, key), current.phase == .delivered,
            let order = try? OrderPlaced(serializedBytes: current.order)
        else {
            throw TierError.invalid("order \(request.orderID) is not delivered: only delivered orders can be returned")
        }
        if current.rmas.contains(request.rmaID) { return [] }  // this RMA was handled
        var problems: [String] = []
        if request.rmaID.isEmpty { problems.append("rma_id is required") }
        if request.items.isEmpty { problems.append("items must not be empty") }
        let shipped = Dictionary(
            current.shipments.flatMap { $0.plan.lines.map { ($0.sku, $0.quantity) } }, uniquingKeysWith: +)
        var asked: [String: Int64] = [:]
        for item in request.items { asked[item.sku, default: 0] += Int64(item.quantity) }
        for (sku, quantity) in asked.sorted(by: { $0.key < $1.key }) {
            let left = (shipped[sku] ?? 0) - (current.returned[sku] ?? 0)
            if quantity <= 0 {
                problems.append("\(sku): quantity must be positive")
            } else if quantity > left {
                problems.append("\(sku): \(quantity) returned but \(left) delivered and not yet returned")
            }
        }
        guard problems.isEmpty else { throw TierError.invalid(problems.joined(separator: "; ")) }
        var amount: Int64 = 0
        var emits: [Emit] = []
        for (sku, quantity) in asked.sorted(by: { $0.key < $1.key }) {
            let price = order.items.first { $0.sku == sku }?.unitPrice ?? 0
            amount += price * quantity
            current.returned[sku, default: 0] += quantity
            emits.append(stockRequest(sku, quantity, .return, order: order, reference: request.rmaID, now: now))
        }
        current.rmas.append(request.rmaID)
        state.set(current, Self.orders, key)
        var refund = RefundIssued()
        refund.refundID = "\(request.rmaID)-refund"
        refund.rmaID = request.rmaID
        refund.orderID = order.orderID
        refund.tenantID = order.tenantID
        refund.amount.amountMinor = amount
        refund.amount.currency = order.currency
        refund.issuedAt = Google_Protobuf_Timestamp(date: now)
        let units = asked.values.reduce(0, +)
        let reason = "RMA \(request.rmaID): \(units) units" + (request.reason.isEmpty ? "" : " (\(request.reason))")
        emits.append(Emit(refund))
        emits.append(status(order, .returned, from: current.rmas.count > 1 ? .returned : .delivered, reason, "customer", now))
        emits.append(
            notify("refunded", order, reference: request.rmaID, detail: "\(amount) \(order.currency) refunded for \(units) units.", now: now))
        return emits
    }
}
