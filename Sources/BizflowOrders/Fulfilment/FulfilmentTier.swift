import BizflowEvents
import BizflowHTTP
import BizflowRuntime
import Foundation
import SwiftProtobuf

/// Ships reserved orders: plans parcels (warehouse, carrier, service, rate), creates labels through the carrier's
/// API, follows carrier callbacks (shipped → in transit → delivered, shipping the stock in inventory), handles
/// returns (RMA, refund, stock back) and cancels orders not yet shipped. Notifies the customer at each step
/// (events on `orders.fulfilment`, posted by the notifications tier).
public actor FulfilmentTier: Tier {
    static let orders = "orders"

    let planner: ShipmentPlanner
    let labels: LabelClient

    public init(
        config: FulfilmentConfig, warehouses: WarehouseConfig, secret: String, client: HTTPClient = HTTPClient()
    ) {
        planner = ShipmentPlanner(config: config, warehouses: warehouses)
        labels = LabelClient(
            endpoint: config.labelEndpoint, poster: WebhookPoster(client: client, secret: secret),
            timeout: .milliseconds(config.timeoutMs))
    }

    public func handle(_ input: InboundEvent, state: inout TierState, now: Date) async throws -> [Emit] {
        switch input.event {
        case let reserved as OrderReserved:
            return try await plan(reserved, state: &state, now: now)
        case let callback as CarrierCallback:
            return try carrier(callback, state: &state, now: now)
        case let request as ReturnRequested:
            return try returned(request, state: &state, now: now)
        case let command as CancelOrder:
            return try cancel(command, state: &state, now: now)
        default:
            return []  // backorders and status changes share the topic
        }
    }

    private func plan(_ reserved: OrderReserved, state: inout TierState, now: Date) async throws -> [Emit] {
        let key = OrderKey.scoped(reserved.tenantID, reserved.orderID)
        let order = reserved.order
        if let existing = state.value(FulfilmentCase.self, Self.orders, key) {
            guard existing.phase == .cancelRequested else { return [] }  // reserved twice: the first one stands
            state.set(FulfilmentCase(phase: .cancelled), Self.orders, key)
            let lines = reserved.reservations.map { (sku: $0.sku, quantity: Int64($0.quantity)) }
            return releases(lines, order: order, now: now)
                + [
                    status(order, .cancelled, from: .reserved, existing.cancelReason, existing.cancelActor, now),
                    notify("cancelled", order, detail: existing.cancelReason, now: now),
                ]
        }
        let reservations = reserved.reservations.map { (sku: $0.sku, quantity: Int64($0.quantity), warehouse: $0.warehouseID) }
        let plans: [ShipmentPlanner.Plan]
        switch planner.plan(
            orderID: reserved.orderID, reservations: reservations, country: order.shippingAddress.country,
            level: order.serviceLevel)
        {
        case .success(let planned): plans = planned
        case .failure(let error): throw TierError.invalid(error.description)
        }
        var shipments: [FulfilmentCase.Shipment] = []
        for plan in plans {
            let tracking = try await labels.create(plan, order: order)
            shipments.append(.init(plan: plan, tracking: tracking, status: ShipmentStatus.labelCreated.rawValue))
        }
        state.set(FulfilmentCase(phase: .planned, order: try order.serializedBytes(), shipments: shipments), Self.orders, key)
        let parcels = shipments.map { "\($0.plan.carrier) \($0.plan.service) \($0.tracking)" }.joined(separator: ", ")
        return shipments.map { Emit(update($0, order: order, .labelCreated, now: now)) }
            + [notify("order_confirmed", order, detail: "Your order is confirmed and will ship with \(parcels).", now: now)]
    }

    /// Cancels an order fulfilment holds, unless it has shipped (then it takes a return). A cancel for an order
    /// not reserved yet is remembered: inventory or fraud end it if they hold it, or it is cancelled on arrival.
    private func cancel(_ command: CancelOrder, state: inout TierState, now: Date) throws -> [Emit] {
        try command.validate()
        let key = OrderKey.scoped(command.tenantID, command.orderID)
        guard let current = state.value(FulfilmentCase.self, Self.orders, key) else {
            state.set(
                FulfilmentCase(phase: .cancelRequested, cancelActor: command.actor, cancelReason: command.reason),
                Self.orders, key)
            return []
        }
        switch current.phase {
        case .planned:
            guard let order = try? OrderPlaced(serializedBytes: current.order) else { return [] }
            state.set(FulfilmentCase(phase: .cancelled), Self.orders, key)
            let lines = current.shipments.flatMap { $0.plan.lines.map { (sku: $0.sku, quantity: $0.quantity) } }
            return releases(lines, order: order, now: now)
                + [
                    status(order, .cancelled, from: .reserved, command.reason, command.actor, now),
                    notify("cancelled", order, detail: command.reason, now: now),
                ]
        case .shipped, .delivered:
            throw TierError.invalid("order \(command.orderID) has shipped and cannot be cancelled: request a return instead")
        case .cancelled, .cancelRequested:
            return []
        }
    }

    // MARK: Events

    func releases(_ lines: [(sku: String, quantity: Int64)], order: OrderPlaced, now: Date) -> [Emit] {
        lines.map { stockRequest($0.sku, $0.quantity, .release, order: order, reference: "", now: now) }
    }

    func stockRequest(
        _ sku: String, _ quantity: Int64, _ action: ReservationAction, order: OrderPlaced, reference: String, now: Date
    ) -> Emit {
        var request = ReservationRequested()
        request.orderID = order.orderID
        request.tenantID = order.tenantID
        request.sku = sku
        request.quantity = Int32(quantity)
        request.action = action
        request.reference = reference
        request.requestedAt = Google_Protobuf_Timestamp(date: now)
        return Emit(request)
    }

    func update(_ shipment: FulfilmentCase.Shipment, order: OrderPlaced, _ status: ShipmentStatus, now: Date) -> ShipmentUpdated {
        var event = ShipmentUpdated()
        event.shipmentID = shipment.plan.shipmentID
        event.orderID = order.orderID
        event.tenantID = order.tenantID
        event.status = status
        event.warehouseID = shipment.plan.warehouse
        event.carrier = shipment.plan.carrier
        event.service = shipment.plan.service
        event.trackingNumber = shipment.tracking
        var rate = Money()
        rate.amountMinor = shipment.plan.rateMinor
        rate.currency = shipment.plan.currency
        event.rate = rate
        event.weightGrams = Int32(shipment.plan.weightGrams)
        event.updatedAt = Google_Protobuf_Timestamp(date: now)
        return event
    }

    func status(_ order: OrderPlaced, _ status: OrderStatus, from previous: OrderStatus, _ reason: String, _ actor: String, _ now: Date)
        -> Emit
    {
        Emit(
            OrderStatusChanged.make(
                order.orderID, tenant: order.tenantID, to: status, from: previous, reason: reason, actor: actor, at: now))
    }

    func notify(_ kind: String, _ order: OrderPlaced, reference: String = "", detail: String, now: Date) -> Emit {
        Emit(CustomerNotification.make(kind, order: order, reference: reference, detail: detail, at: now))
    }
}
