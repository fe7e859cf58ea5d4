import BizflowEvents
import BizflowPostgres

extension Projection {
    static let upsertOrder = """
        INSERT INTO orders (tenant_id, order_id, customer_id, customer_email, currency, total, items, service_level,
          shipping_country, placed_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $10)
        ON CONFLICT (tenant_id, order_id) DO UPDATE SET customer_id = excluded.customer_id,
          customer_email = excluded.customer_email, currency = excluded.currency, total = excluded.total,
          items = excluded.items, service_level = excluded.service_level, shipping_country = excluded.shipping_country,
          placed_at = coalesce(orders.placed_at, excluded.placed_at)
        """

    static func orderColumns(_ order: OrderPlaced, _ context: Context) -> [PostgresValue] {
        let items = order.items.map { ["sku": $0.sku, "quantity": Int($0.quantity), "unit_price": Int($0.unitPrice)] }
        return [
            .text(order.tenantID), .text(order.orderID), text(order.customerID), text(order.customerEmail),
            text(order.currency), .int(order.total), json(items), text(order.serviceLevel),
            text(order.shippingAddress.country), context.at(order.placedAt, set: order.hasPlacedAt),
        ]
    }

    static func orderPlaced(_ e: OrderPlaced, _ context: Context) -> [PostgresStatement] {
        [PostgresStatement(upsertOrder, orderColumns(e, context))]
    }

    static func orderAssessed(_ e: OrderAssessed, _ context: Context) -> [PostgresStatement] {
        let reasons = e.reasons.map { ["rule": $0.rule, "points": Int($0.points), "detail": $0.detail] }
        var order = e.order
        order.orderID = e.orderID
        order.tenantID = e.tenantID
        var statements = [
            PostgresStatement(upsertOrder, orderColumns(order, context)),
            PostgresStatement(
                "UPDATE orders SET risk_score = $3, decision = $4 WHERE tenant_id = $1 AND order_id = $2",
                [.text(e.tenantID), .text(e.orderID), .int(Int64(e.riskScore)), .text(name(e.decision))]),
            PostgresStatement(
                """
                INSERT INTO fraud_decisions (tenant_id, event_id, order_id, risk_score, decision, decided_by, reasons, assessed_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) ON CONFLICT DO NOTHING
                """,
                [
                    .text(e.tenantID), context.id, .text(e.orderID), .int(Int64(e.riskScore)), .text(name(e.decision)),
                    text(e.decidedBy), json(reasons), context.at(e.assessedAt, set: e.hasAssessedAt),
                ]),
        ]
        if !e.decidedBy.isEmpty && e.decidedBy != "rules" {
            // A person decided: the review closes (the row exists even if the request was projected later).
            let note = e.reasons.first { $0.rule == "review" }?.detail ?? ""
            statements.append(
                PostgresStatement(
                    """
                    INSERT INTO reviews (tenant_id, order_id, decision, reviewer, note, decided_at) VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (tenant_id, order_id) DO UPDATE SET decision = excluded.decision, reviewer = excluded.reviewer,
                      note = excluded.note, decided_at = excluded.decided_at
                    WHERE reviews.decided_at IS NULL
                    """,
                    [
                        .text(e.tenantID), .text(e.orderID), .text(name(e.decision)), .text(e.decidedBy), text(note),
                        context.at(e.assessedAt, set: e.hasAssessedAt),
                    ]))
        }
        return statements
    }

    static func reviewRequested(_ e: ReviewRequested, _ context: Context) -> [PostgresStatement] {
        let reasons = e.reasons.map { ["rule": $0.rule, "points": Int($0.points), "detail": $0.detail] }
        return [
            PostgresStatement(
                """
                INSERT INTO reviews (tenant_id, order_id, risk_score, reasons, requested_at, sla_due_at, escalated)
                VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)
                ON CONFLICT (tenant_id, order_id) DO UPDATE SET escalated = reviews.escalated OR excluded.escalated,
                  risk_score = excluded.risk_score, reasons = excluded.reasons,
                  requested_at = coalesce(reviews.requested_at, excluded.requested_at),
                  sla_due_at = coalesce(reviews.sla_due_at, excluded.sla_due_at)
                """,
                [
                    .text(e.tenantID), .text(e.orderID), .int(Int64(e.riskScore)), json(reasons),
                    context.at(e.requestedAt, set: e.hasRequestedAt), e.hasSlaDueAt ? .timestamp(e.slaDueAt.date) : .null,
                    .bool(e.escalated),
                ])
        ]
    }

    /// A reviewer's command is audited; the review itself closes with the fraud tier's decision (which may refuse it).
    static func reviewDecision(_ e: ReviewDecision, _ context: Context) -> [PostgresStatement] {
        [command(e.tenantID, "review", e.orderID, e.commandID, e.reviewer, e.note, ["decision": name(e.decision)], e.decidedAt, context)]
    }

    /// Status only moves forward in the lifecycle; each status stamps its own time once.
    static func statusChanged(_ e: OrderStatusChanged, _ context: Context) -> [PostgresStatement] {
        let status = name(e.status)
        let at = context.at(e.changedAt, set: e.hasChangedAt)
        let stamp = [
            "approved", "rejected", "in_review", "backordered", "reserved", "shipped", "delivered", "cancelled", "returned",
        ].contains(status) ? "\(status)_at" : nil
        var statements = [
            PostgresStatement(
                """
                INSERT INTO order_status_history (tenant_id, event_id, order_id, status, previous, reason, actor, changed_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING
                """,
                [
                    .text(e.tenantID), context.id, .text(e.orderID), .text(status), .text(name(e.previous)), text(e.reason),
                    text(e.actor), at,
                ]),
            PostgresStatement(
                """
                INSERT INTO orders (tenant_id, order_id, status, updated_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (tenant_id, order_id) DO UPDATE SET status = bizflow_later_status(orders.status, excluded.status),
                  updated_at = greatest(orders.updated_at, excluded.updated_at)
                """, [.text(e.tenantID), .text(e.orderID), .text(status), at]),
        ]
        if let stamp {
            statements.append(
                PostgresStatement(
                    "UPDATE orders SET \(stamp) = coalesce(\(stamp), $3) WHERE tenant_id = $1 AND order_id = $2",
                    [.text(e.tenantID), .text(e.orderID), at]))
        }
        if e.status == .cancelled || e.status == .rejected {
            statements.append(
                PostgresStatement(
                    """
                    UPDATE backorders SET resolved_at = $3, resolution = $4
                    WHERE tenant_id = $1 AND order_id = $2 AND resolved_at IS NULL
                    """, [.text(e.tenantID), .text(e.orderID), at, .text(status)]))
        }
        return statements
    }

    static func shipmentUpdated(_ e: ShipmentUpdated, _ context: Context) -> [PostgresStatement] {
        let status = name(e.status)
        let at = context.at(e.updatedAt, set: e.hasUpdatedAt)
        let stamp: String? =
            switch e.status {
            case .labelCreated: "label_at"
            case .shipped: "shipped_at"
            case .delivered: "delivered_at"
            case .failed: "failed_at"
            default: nil
            }
        var statements = [
            PostgresStatement(
                """
                INSERT INTO shipments (tenant_id, shipment_id, order_id, status, warehouse_id, carrier, service, tracking_number,
                  rate_minor, currency, weight_grams, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                ON CONFLICT (tenant_id, shipment_id) DO UPDATE SET
                  status = CASE WHEN excluded.status = 'failed' OR shipments.status = 'failed' THEN excluded.status
                    WHEN array_position(ARRAY['label_created','shipped','in_transit','delivered'], excluded.status)
                       > array_position(ARRAY['label_created','shipped','in_transit','delivered'], shipments.status)
                    THEN excluded.status ELSE shipments.status END,
                  updated_at = greatest(shipments.updated_at, excluded.updated_at)
                """,
                [
                    .text(e.tenantID), .text(e.shipmentID), .text(e.orderID), .text(status), text(e.warehouseID), text(e.carrier),
                    text(e.service), text(e.trackingNumber), .int(e.rate.amountMinor), text(e.rate.currency),
                    .int(Int64(e.weightGrams)), at,
                ])
        ]
        if let stamp {
            statements.append(
                PostgresStatement(
                    "UPDATE shipments SET \(stamp) = coalesce(\(stamp), $3) WHERE tenant_id = $1 AND shipment_id = $2",
                    [.text(e.tenantID), .text(e.shipmentID), at]))
        }
        return statements
    }

    static func returnRequested(_ e: ReturnRequested, _ context: Context) -> [PostgresStatement] {
        let items = e.items.map { ["sku": $0.sku, "quantity": Int($0.quantity)] }
        return [
            PostgresStatement(
                """
                INSERT INTO returns (tenant_id, rma_id, order_id, items, reason, requested_at) VALUES ($1, $2, $3, $4::jsonb, $5, $6)
                ON CONFLICT (tenant_id, rma_id) DO UPDATE SET items = excluded.items, reason = excluded.reason,
                  requested_at = excluded.requested_at
                """,
                [.text(e.tenantID), .text(e.rmaID), .text(e.orderID), json(items), text(e.reason), context.at(e.requestedAt, set: e.hasRequestedAt)])
        ]
    }

    static func refundIssued(_ e: RefundIssued, _ context: Context) -> [PostgresStatement] {
        [
            PostgresStatement(
                """
                INSERT INTO returns (tenant_id, rma_id, order_id, refund_id, refund_minor, currency, refunded_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (tenant_id, rma_id) DO UPDATE SET refund_id = excluded.refund_id,
                  refund_minor = excluded.refund_minor, currency = excluded.currency, refunded_at = excluded.refunded_at
                """,
                [
                    .text(e.tenantID), .text(e.rmaID), .text(e.orderID), .text(e.refundID), .int(e.amount.amountMinor),
                    text(e.amount.currency), context.at(e.issuedAt, set: e.hasIssuedAt),
                ])
        ]
    }

    static func notification(_ e: CustomerNotification, _ context: Context) -> [PostgresStatement] {
        [
            PostgresStatement(
                """
                INSERT INTO notifications (tenant_id, notification_id, order_id, kind, recipient, created_at)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (tenant_id, notification_id) DO UPDATE SET kind = excluded.kind, recipient = excluded.recipient,
                  created_at = excluded.created_at
                """,
                [.text(e.tenantID), .text(e.notificationID), .text(e.orderID), .text(e.kind), text(e.recipient), context.at(e.createdAt, set: e.hasCreatedAt)])
        ]
    }

    static func notificationDelivery(_ e: NotificationDelivery, _ context: Context) -> [PostgresStatement] {
        [
            PostgresStatement(
                """
                INSERT INTO notifications (tenant_id, notification_id, order_id, kind, delivered, http_status, attempts, error, delivered_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (tenant_id, notification_id) DO UPDATE SET delivered = excluded.delivered,
                  http_status = excluded.http_status, attempts = excluded.attempts, error = excluded.error,
                  delivered_at = excluded.delivered_at
                """,
                [
                    .text(e.tenantID), .text(e.notificationID), .text(e.orderID), .text(e.kind), .bool(e.delivered),
                    .int(Int64(e.httpStatus)), .int(Int64(e.attempts)), text(e.error), context.at(e.deliveredAt, set: e.hasDeliveredAt),
                ])
        ]
    }
}

// The event types these read models take, each registered once beside its statements.
extension OrderPlaced: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.orderPlaced(self, context) }
}

extension OrderAssessed: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.orderAssessed(self, context) }
}

extension ReviewRequested: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.reviewRequested(self, context) }
}

extension ReviewDecision: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.reviewDecision(self, context) }
}

extension OrderStatusChanged: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.statusChanged(self, context) }
}

extension ShipmentUpdated: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.shipmentUpdated(self, context) }
}

extension ReturnRequested: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.returnRequested(self, context) }
}

extension RefundIssued: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.refundIssued(self, context) }
}

extension CustomerNotification: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.notification(self, context) }
}

extension NotificationDelivery: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.notificationDelivery(self, context) }
}
