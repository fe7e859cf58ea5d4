import BizflowEvents
import Foundation
import SwiftProtobuf

/// One event of every type the catalog knows, all for one lead and one order of `tenant`.
func sampleEvents(tenant: String, lead: String = "L-1", order: String = "O-1") -> [any DomainEvent] {
    let at = Google_Protobuf_Timestamp(date: Date(timeIntervalSince1970: 1_790_000_000))
    var captured = LeadCaptured()
    captured.leadID = lead
    captured.tenantID = tenant
    captured.email = "ada@example.com"
    captured.companyName = "BigCorp"
    captured.industry = "software"
    captured.country = "DE"
    captured.source = .webForm
    captured.campaignID = "spring"
    captured.capturedAt = at
    var scored = LeadScored()
    scored.leadID = lead
    scored.tenantID = tenant
    scored.total = 82
    scored.band = .hot
    scored.confidence = 0.9
    scored.reasons = [ScoreReason.with { $0.component = "demographic"; $0.factor = "seniority"; $0.points = 60; $0.detail = "it's \"CTO\"" }]
    scored.lead = captured
    scored.scoredAt = at
    var assigned = LeadAssigned()
    assigned.leadID = lead
    assigned.tenantID = tenant
    assigned.repID = "rep-ada"
    assigned.strategy = "performance"
    assigned.scored = scored
    assigned.assignedAt = at
    let unassigned = LeadUnassigned.with { $0.leadID = lead; $0.tenantID = tenant; $0.reason = "no capacity"; $0.queuedAt = at }
    let escalated = AssignmentEscalated.with {
        $0.leadID = lead; $0.tenantID = tenant; $0.repID = "rep-ada"; $0.newRepID = "rep-ken"; $0.action = "reassigned"
        $0.escalatedAt = at
    }
    let message = NurtureMessage.with {
        $0.messageID = "M-1"; $0.leadID = lead; $0.tenantID = tenant; $0.campaignID = "welcome"; $0.step = 1
        $0.channel = .email; $0.createdAt = at
    }
    let delivery = NurtureDelivery.with {
        $0.messageID = "M-1"; $0.leadID = lead; $0.tenantID = tenant; $0.campaignID = "welcome"; $0.status = .delivered
        $0.httpStatus = 200; $0.attempts = 1; $0.deliveredAt = at
    }
    let engagement = LeadEngagement.with {
        $0.engagementID = "E-1"; $0.leadID = lead; $0.tenantID = tenant; $0.kind = .emailOpen; $0.messageID = "M-1"
        $0.occurredAt = at
    }
    let converted = LeadEngagement.with { $0.engagementID = "E-2"; $0.leadID = lead; $0.tenantID = tenant; $0.kind = .converted; $0.occurredAt = at }
    let customer = LeadConverted.with {
        $0.leadID = lead; $0.tenantID = tenant; $0.customerID = "c-1"; $0.source = .gateway; $0.actor = "maria"; $0.convertedAt = at
    }
    let model = ScoringModel.with {
        $0.tenantID = tenant; $0.version = "m-1"; $0.trainedAt = at; $0.features = ["visits"]; $0.weights = [0.5]
        $0.means = [1]; $0.scales = [2]; $0.evaluation.modelAuc = 0.8; $0.evaluation.rulesAuc = 0.7
    }
    let recycled = LeadRecycled.with {
        $0.leadID = lead; $0.tenantID = tenant; $0.rule = "uncontacted"; $0.action = .reassign; $0.repID = "rep-ada"
        $0.reason = "assigned to rep-ada 72 h ago and not contacted since"; $0.scored.total = 81; $0.recycledAt = at
    }
    let override = ScoreOverride.with { $0.commandID = "C-1"; $0.leadID = lead; $0.tenantID = tenant; $0.score = 90; $0.actor = "maria"; $0.reason = "referral" }
    let reassign = ReassignLead.with { $0.commandID = "C-2"; $0.leadID = lead; $0.tenantID = tenant; $0.repID = "rep-ken"; $0.actor = "maria"; $0.reason = "fit" }
    let accept = AcceptAssignment.with { $0.commandID = "C-3"; $0.leadID = lead; $0.tenantID = tenant; $0.repID = "rep-ken"; $0.actor = "ken" }

    var placed = OrderPlaced()
    placed.orderID = order
    placed.tenantID = tenant
    placed.customerID = "c-1"
    placed.customerEmail = "c1@example.com"
    placed.currency = "EUR"
    placed.items = [OrderItem.with { $0.sku = "SKU-A"; $0.quantity = 2; $0.unitPrice = 1_000 }]
    placed.total = 2_000
    placed.shippingAddress.country = "DE"
    placed.placedAt = at
    let assessed = OrderAssessed.with {
        $0.orderID = order; $0.tenantID = tenant; $0.riskScore = 40; $0.decision = .review; $0.order = placed
        $0.reasons = [RiskReason.with { $0.rule = "disposable_email"; $0.points = 40 }]; $0.decidedBy = "rules"; $0.assessedAt = at
    }
    let review = ReviewRequested.with { $0.orderID = order; $0.tenantID = tenant; $0.riskScore = 40; $0.requestedAt = at; $0.slaDueAt = at }
    let decision = ReviewDecision.with { $0.commandID = "C-4"; $0.orderID = order; $0.tenantID = tenant; $0.decision = .approve; $0.reviewer = "rita" }
    let cancel = CancelOrder.with { $0.commandID = "C-5"; $0.orderID = order; $0.tenantID = tenant; $0.actor = "ops"; $0.reason = "asked" }
    func status(_ status: OrderStatus, _ previous: OrderStatus) -> OrderStatusChanged {
        OrderStatusChanged.with { $0.orderID = order; $0.tenantID = tenant; $0.status = status; $0.previous = previous; $0.changedAt = at }
    }
    let request = ReservationRequested.with { $0.orderID = order; $0.tenantID = tenant; $0.sku = "SKU-A"; $0.quantity = 2; $0.action = .reserve }
    let answer = ReservationAnswered.with {
        $0.orderID = order; $0.tenantID = tenant; $0.sku = "SKU-A"; $0.quantity = 2; $0.action = .reserve; $0.granted = true
        $0.warehouseID = "wh-berlin"; $0.answeredAt = at
    }
    let reserved = OrderReserved.with {
        $0.orderID = order; $0.tenantID = tenant; $0.order = placed; $0.reservedAt = at
        $0.reservations = [Reservation.with { $0.sku = "SKU-A"; $0.quantity = 2; $0.warehouseID = "wh-berlin" }]
    }
    let backordered = OrderBackordered.with {
        $0.orderID = order; $0.tenantID = tenant; $0.backorderedAt = at
        $0.missing = [MissingStock.with { $0.sku = "SKU-B"; $0.requested = 1; $0.available = 0 }]
    }
    let shipment = ShipmentUpdated.with {
        $0.shipmentID = "\(order)-s1"; $0.orderID = order; $0.tenantID = tenant; $0.status = .shipped; $0.warehouseID = "wh-berlin"
        $0.carrier = "dhl"; $0.service = "parcel"; $0.trackingNumber = "T-1"; $0.rate = Money.with { $0.amountMinor = 630; $0.currency = "EUR" }
        $0.weightGrams = 300; $0.updatedAt = at
    }
    let callback = CarrierCallback.with { $0.orderID = order; $0.tenantID = tenant; $0.shipmentID = "\(order)-s1"; $0.status = .delivered }
    let returned = ReturnRequested.with { $0.rmaID = "RMA-1"; $0.orderID = order; $0.tenantID = tenant; $0.items = [OrderItem.with { $0.sku = "SKU-A"; $0.quantity = 1 }] }
    let refund = RefundIssued.with {
        $0.refundID = "R-1"; $0.rmaID = "RMA-1"; $0.orderID = order; $0.tenantID = tenant
        $0.amount = Money.with { $0.amountMinor = 1_000; $0.currency = "EUR" }; $0.issuedAt = at
    }
    let notification = CustomerNotification.with { $0.notificationID = "N-1"; $0.orderID = order; $0.tenantID = tenant; $0.kind = "shipped"; $0.recipient = "c1@example.com" }
    let notified = NotificationDelivery.with { $0.notificationID = "N-1"; $0.orderID = order; $0.tenantID = tenant; $0.kind = "shipped"; $0.delivered = true; $0.httpStatus = 200 }
    let probe = VelocityProbe.with { $0.orderID = order; $0.tenantID = tenant; $0.dimension = "card"; $0.value = "card-1" }
    let counted = VelocityCounted.with { $0.orderID = order; $0.tenantID = tenant; $0.dimension = "card"; $0.value = "card-1"; $0.ordersInWindow = 1 }
    let adjusted = StockAdjusted.with { $0.adjustmentID = "A-1"; $0.tenantID = tenant; $0.sku = "SKU-A"; $0.warehouseID = "wh-berlin"; $0.delta = 10; $0.reorderPoint = 3 }
    let low = LowStock.with { $0.tenantID = tenant; $0.sku = "SKU-A"; $0.warehouseID = "wh-berlin"; $0.available = 2; $0.reorderPoint = 3 }
    return [
        captured, scored, assigned, unassigned, escalated, message, delivery, engagement, converted, customer, override, reassign,
        accept, model, recycled,
        placed, assessed, review, decision, cancel, status(.inReview, .placed), status(.approved, .inReview), request, adjusted,
        answer, reserved, backordered, status(.reserved, .approved), shipment, status(.shipped, .reserved), callback,
        status(.delivered, .shipped), returned, refund, status(.returned, .delivered), notification, notified, probe, counted, low,
    ]
}
