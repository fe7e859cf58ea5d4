import BizflowEvents
import BizflowRuntime
import Foundation
import SwiftProtobuf

/// Reserves stock for approved orders without ever overselling. Each SKU's stock lives in the partition of the
/// SKU: an approved order becomes one reservation request per SKU (keyed by SKU), the SKU's owner answers each
/// (keyed by order id), and the answers are joined per order (a saga). An order is reserved when every line is;
/// otherwise its partial reservations are released and it is backordered until restocks serve it, first come
/// first served. Also applies stock adjustments, ships and returns, releases on cancellation, and raises
/// low-stock alerts.
public actor InventoryTier: Tier {
    static let orders = "orders"
    static let stock = "stock"
    static let holds = "holds"

    let warehouses: WarehouseConfig

    public init(warehouses: WarehouseConfig) {
        self.warehouses = warehouses
    }

    public func handle(_ input: InboundEvent, state: inout TierState, now: Date) async throws -> [Emit] {
        switch input.event {
        case let assessed as OrderAssessed where assessed.decision == .approve:
            return try approved(assessed, state: &state, now: now)
        case let request as ReservationRequested:
            return try requested(request, state: &state, now: now)
        case let answer as ReservationAnswered:
            return answered(answer, state: &state, now: now)
        case let adjustment as StockAdjusted:
            return try adjusted(adjustment, state: &state, now: now)
        case let command as CancelOrder:
            return try cancel(command, state: &state, now: now)
        default:
            return []  // reviews, rejections and status changes share the topics
        }
    }

    // MARK: The order side (partition of the order)

    private func approved(_ assessed: OrderAssessed, state: inout TierState, now: Date) throws -> [Emit] {
        let order = assessed.order
        let key = OrderKey.scoped(assessed.tenantID, assessed.orderID)
        if let existing = state.value(OrderReservation.self, Self.orders, key) {
            guard existing.phase == .cancelRequested else { return [] }  // approved twice: the first one stands
            state.set(OrderReservation(phase: .cancelled), Self.orders, key)
            return [status(assessed.orderID, assessed.tenantID, .cancelled, from: .approved, existing.cancelReason, existing.cancelActor, now)]
        }
        guard !order.items.isEmpty else { throw TierError.invalid("approved order \(assessed.orderID) has no items") }
        let reservation = OrderReservation(
            phase: .reserving, order: try order.serializedBytes(),
            lines: OrderReservation.lines(order.items.map { (sku: $0.sku, quantity: Int64($0.quantity)) }),
            preferred: warehouses.preference(for: order.shippingAddress.country).first?.id ?? "")
        let skus = reservation.lines.map(\.sku)
        state.set(reservation, Self.orders, key)
        return skus.map { request($0, .reserve, reservation, orderID: assessed.orderID, tenant: assessed.tenantID, now: now) }
    }

    private func answered(_ answer: ReservationAnswered, state: inout TierState, now: Date) -> [Emit] {
        guard answer.action == .reserve else { return [] }  // releases, shipments and returns need no join
        let key = OrderKey.scoped(answer.tenantID, answer.orderID)
        guard var reservation = state.value(OrderReservation.self, Self.orders, key) else { return [] }
        if reservation.phase == .cancelled && answer.granted {
            // A grant that crossed the cancel: give it back.
            return [request(answer.sku, .release, reservation, orderID: answer.orderID, tenant: answer.tenantID, now: now)]
        }
        reservation.answer(
            sku: answer.sku, granted: answer.granted, warehouse: answer.warehouseID, available: answer.availableAfter)
        let previous: OrderStatus = reservation.phase == .backordered ? .backordered : .approved
        let step = reservation.next()
        var emits: [Emit] = []
        let (orderID, tenant) = (answer.orderID, answer.tenantID)
        switch step {
        case .wait:
            break
        case .request(let skus):
            emits = skus.map { request($0, .reserve, reservation, orderID: orderID, tenant: tenant, now: now) }
        case .backorder(let release, let missing):
            emits = release.map { request($0, .release, reservation, orderID: orderID, tenant: tenant, now: now) }
            emits.append(Emit(backordered(orderID, tenant, missing, now)))
            let skus = missing.map(\.sku).joined(separator: ", ")
            emits.append(status(orderID, tenant, .backordered, from: previous, "short of \(skus)", "inventory", now))
        case .stillShort(let missing):
            emits = [Emit(backordered(orderID, tenant, missing, now))]
        case .reserved:
            emits = [
                Emit(reserved(orderID, tenant, reservation, now)),
                status(orderID, tenant, .reserved, from: previous, "every line reserved", "inventory", now),
            ]
            reservation = OrderReservation(phase: .reserved)
        }
        state.set(reservation, Self.orders, key)
        return emits
    }

    /// Cancels an order inventory holds (approved, not yet reserved): releases every line and ends it. Reserved
    /// orders belong to fulfilment, which takes the same command; a cancel that overtakes the approval waits.
    private func cancel(_ command: CancelOrder, state: inout TierState, now: Date) throws -> [Emit] {
        try command.validate()
        let key = OrderKey.scoped(command.tenantID, command.orderID)
        guard let reservation = state.value(OrderReservation.self, Self.orders, key) else {
            state.set(
                OrderReservation(phase: .cancelRequested, cancelActor: command.actor, cancelReason: command.reason),
                Self.orders, key)
            return []
        }
        guard reservation.phase == .reserving || reservation.phase == .backordered else { return [] }
        var emits = reservation.releasable.map {
            request($0, .release, reservation, orderID: command.orderID, tenant: command.tenantID, now: now)
        }
        let previous: OrderStatus = reservation.phase == .backordered ? .backordered : .approved
        emits.append(status(command.orderID, command.tenantID, .cancelled, from: previous, command.reason, command.actor, now))
        state.set(OrderReservation(phase: .cancelled), Self.orders, key)
        return emits
    }

    // MARK: Events

    private func request(
        _ sku: String, _ action: ReservationAction, _ reservation: OrderReservation, orderID: String, tenant: String,
        now: Date
    ) -> Emit {
        var request = ReservationRequested()
        request.orderID = orderID
        request.tenantID = tenant
        request.sku = sku
        request.quantity = Int32(reservation.lines.first { $0.sku == sku }?.quantity ?? 0)
        request.action = action
        request.lineCount = Int32(reservation.lines.count)
        request.warehouseID = reservation.preferred
        request.requestedAt = Google_Protobuf_Timestamp(date: now)
        return Emit(request)
    }

    private func reserved(_ orderID: String, _ tenant: String, _ reservation: OrderReservation, _ now: Date) -> OrderReserved {
        var event = OrderReserved()
        event.orderID = orderID
        event.tenantID = tenant
        event.reservations = reservation.lines.map { line in
            var reserved = Reservation()
            reserved.sku = line.sku
            reserved.quantity = Int32(line.quantity)
            reserved.warehouseID = line.warehouse
            return reserved
        }
        if let order = try? OrderPlaced(serializedBytes: reservation.order) { event.order = order }
        event.reservedAt = Google_Protobuf_Timestamp(date: now)
        return event
    }

    private func backordered(_ orderID: String, _ tenant: String, _ missing: [OrderReservation.Line], _ now: Date)
        -> OrderBackordered
    {
        var event = OrderBackordered()
        event.orderID = orderID
        event.tenantID = tenant
        event.missing = missing.map { line in
            var item = MissingStock()
            item.sku = line.sku
            item.requested = Int32(line.quantity)
            item.available = line.available
            return item
        }
        event.backorderedAt = Google_Protobuf_Timestamp(date: now)
        return event
    }

    private func status(
        _ orderID: String, _ tenant: String, _ status: OrderStatus, from previous: OrderStatus, _ reason: String,
        _ actor: String, _ now: Date
    ) -> Emit {
        Emit(
            OrderStatusChanged.make(orderID, tenant: tenant, to: status, from: previous, reason: reason, actor: actor, at: now))
    }
}
