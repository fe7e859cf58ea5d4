import BizflowEvents
import Foundation
import SwiftProtobuf

/// Plays the people and carriers around the order pipeline for a `WorkloadPlan`: reviewers decide, operations cancel,
/// carriers ship and deliver, customers return, and the warehouse restocks the scarce SKU once every scarce order
/// has had its first answer; with `WorkloadPlan.Options.engagementFollowsMessages`, leads open, click and answer the nurture
/// messages delivered to them. Feed it every event of orders.assessed, orders.reserved, orders.fulfilment and
/// nurture.messages.
public actor WorkloadDriver {
    /// Sends events to a topic (by its name without prefix: "orders.commands", "orders.carrier", "inventory.stock").
    public typealias Send = @Sendable ([any DomainEvent], String) async throws -> Void

    let plan: WorkloadPlan
    let send: Send
    let carrier: CarrierTiming
    private var scarceAnswered = Set<String>()
    private var restocked = false
    private var shipped = Set<String>()
    public private(set) var failures: [String] = []

    public init(plan: WorkloadPlan, carrier: CarrierTiming = .immediate, send: @escaping Send) {
        self.plan = plan
        self.carrier = carrier
        self.send = send
    }

    /// The cancels that race their orders: send them right after the orders.
    public func earlyCancels() -> [any DomainEvent] {
        plan.ids(.cancelEarly).map { Self.cancel($0) }
    }

    public func saw(_ event: any DomainEvent) async {
        do {
            try await react(to: event)
        } catch {
            failures.append("\(error)")
        }
    }

    private func react(to event: any DomainEvent) async throws {
        switch event {
        case let review as ReviewRequested where !review.escalated:
            switch plan.group[review.orderID] {
            case .reviewApprove: try await send([Self.review(review.orderID, approve: true)], "orders.commands")
            case .reviewReject, .velocity: try await send([Self.review(review.orderID, approve: false)], "orders.commands")
            default: break
            }
        case let change as OrderStatusChanged:
            let group = plan.group[change.orderID]
            if change.status == .reserved && group == .cancelReserved {
                try await send([Self.cancel(change.orderID)], "orders.commands")
            }
            if change.status == .delivered && group == .returning, let order = plan.orders.first(where: { $0.orderID == change.orderID }) {
                let request = ReturnRequested.with {
                    $0.rmaID = "rma-\(change.orderID)"
                    $0.orderID = change.orderID
                    $0.tenantID = change.tenantID
                    $0.items = [OrderItem.with { $0.sku = order.items[0].sku; $0.quantity = 1 }]
                    $0.reason = "did not fit"
                    $0.requestedAt = Google_Protobuf_Timestamp(date: Date())
                }
                try await send([request], "orders.carrier")
            }
            if group == .scarce && (change.status == .reserved || change.status == .backordered) {
                scarceAnswered.insert(change.orderID)
                if scarceAnswered.count == plan.ids(.scarce).count && !restocked && plan.restock > 0 {
                    restocked = true
                    try await send(
                        [WorkloadPlan.adjustment(WorkloadPlan.scarceSKU, "wh-newark", plan.restock, id: "restock-scarce", reason: .restock)],
                        "inventory.stock")
                }
            }
        case let delivery as NurtureDelivery where plan.engagementFollowsMessages:
            let engagements = plan.engagements(after: delivery)
            if !engagements.isEmpty { try await send(engagements, "leads.engagement") }
        case let update as ShipmentUpdated where update.status == .labelCreated:
            let group = plan.group[update.orderID]
            guard group != .cancelReserved, group != .cancelEarly, shipped.insert(update.shipmentID).inserted else { return }
            var callback = CarrierCallback()
            callback.orderID = update.orderID
            callback.tenantID = update.tenantID
            callback.shipmentID = update.shipmentID
            callback.carrier = update.carrier
            callback.trackingNumber = update.trackingNumber
            callback.status = .shipped
            callback.occurredAt = Google_Protobuf_Timestamp(date: Date())
            let transit = carrier.transit(of: update.shipmentID)
            guard transit > 0 else {
                var delivered = callback
                delivered.status = .delivered
                return try await send([callback, delivered], "orders.carrier")
            }
            try await send([callback], "orders.carrier")
            // The parcel travels on the tiers' clock: in transit after half its time, delivered after all of it.
            let (carrier, send, shipped) = (self.carrier, self.send, callback)
            Task { [weak self] in
                do {
                    var parcel = shipped
                    for status in [ShipmentStatus.inTransit, .delivered] {
                        try await Task.sleep(for: carrier.realDuration(hours: transit / 2))
                        parcel.status = status
                        parcel.occurredAt = Google_Protobuf_Timestamp(date: Date())
                        try await send([parcel], "orders.carrier")
                    }
                } catch {
                    await self?.failed(error)
                }
            }
        default:
            break
        }
    }

    private func failed(_ error: any Error) { failures.append("\(error)") }

    public static func cancel(_ orderID: String) -> CancelOrder {
        CancelOrder.with {
            $0.commandID = "cancel-\(orderID)"
            $0.orderID = orderID
            $0.tenantID = WorkloadPlan.tenant
            $0.actor = "ops@acme"
            $0.reason = "customer asked"
            $0.requestedAt = Google_Protobuf_Timestamp(date: Date())
        }
    }

    public static func review(_ orderID: String, approve: Bool) -> ReviewDecision {
        ReviewDecision.with {
            $0.commandID = "review-\(orderID)"
            $0.orderID = orderID
            $0.tenantID = WorkloadPlan.tenant
            $0.decision = approve ? .approve : .reject
            $0.reviewer = "rita"
            $0.note = approve ? "called the customer" : "card reported stolen"
            $0.decidedAt = Google_Protobuf_Timestamp(date: Date())
        }
    }
}
