import BizflowEvents
import BizflowPostgres

extension Projection {
    /// Stock levels follow the inventory tier's answers: each says how many units it moved (0 for a repeat).
    static func reservationAnswered(_ e: ReservationAnswered, _ context: Context) -> [PostgresStatement] {
        guard e.granted, e.quantity > 0, !e.warehouseID.isEmpty else { return [] }
        let at = context.at(e.answeredAt, set: e.hasAnsweredAt)
        let quantity = PostgresValue.int(Int64(e.quantity))
        let (levels, state): (String, String?) =
            switch e.action {
            case .reserve: ("available = available - $4, reserved = reserved + $4", "held")
            case .release: ("available = available + $4, reserved = reserved - $4", "released")
            case .ship: ("reserved = reserved - $4, shipped = shipped + $4", "shipped")
            case .return: ("shipped = shipped - $4, available = available + $4", nil)
            default: ("", nil)
            }
        guard !levels.isEmpty else { return [] }
        var statements = [
            PostgresStatement(
                """
                INSERT INTO inventory_levels (tenant_id, sku, warehouse_id, updated_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (tenant_id, sku, warehouse_id) DO NOTHING
                """, [.text(e.tenantID), .text(e.sku), .text(e.warehouseID), at]),
            PostgresStatement(
                "UPDATE inventory_levels SET \(levels), updated_at = greatest(updated_at, $5) WHERE tenant_id = $1 AND sku = $2 AND warehouse_id = $3",
                [.text(e.tenantID), .text(e.sku), .text(e.warehouseID), quantity, at]),
        ]
        if let state {
            statements.append(
                PostgresStatement(
                    """
                    INSERT INTO reservations (tenant_id, order_id, sku, warehouse_id, quantity, state, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7)
                    ON CONFLICT (tenant_id, order_id, sku) DO UPDATE SET warehouse_id = excluded.warehouse_id,
                      quantity = excluded.quantity, state = excluded.state, updated_at = greatest(reservations.updated_at, excluded.updated_at)
                    """, [.text(e.tenantID), .text(e.orderID), .text(e.sku), .text(e.warehouseID), quantity, .text(state), at]))
        } else {
            statements.append(
                PostgresStatement(
                    "UPDATE reservations SET returned = returned + $4, updated_at = greatest(updated_at, $5) WHERE tenant_id = $1 AND order_id = $2 AND sku = $3",
                    [.text(e.tenantID), .text(e.orderID), .text(e.sku), quantity, at]))
        }
        return statements
    }

    static func orderReserved(_ e: OrderReserved, _ context: Context) -> [PostgresStatement] {
        [
            PostgresStatement(
                """
                UPDATE backorders SET resolved_at = $3, resolution = 'reserved'
                WHERE tenant_id = $1 AND order_id = $2 AND resolved_at IS NULL
                """, [.text(e.tenantID), .text(e.orderID), context.at(e.reservedAt, set: e.hasReservedAt)])
        ]
    }

    static func orderBackordered(_ e: OrderBackordered, _ context: Context) -> [PostgresStatement] {
        e.missing.map { line in
            PostgresStatement(
                """
                INSERT INTO backorders (tenant_id, order_id, sku, requested, available, backordered_at) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (tenant_id, order_id, sku) DO UPDATE SET requested = excluded.requested,
                  available = excluded.available, resolved_at = NULL, resolution = NULL
                """,
                [
                    .text(e.tenantID), .text(e.orderID), .text(line.sku), .int(Int64(line.requested)), .int(line.available),
                    context.at(e.backorderedAt, set: e.hasBackorderedAt),
                ])
        }
    }

    static func stockAdjusted(_ e: StockAdjusted, _ context: Context) -> [PostgresStatement] {
        [
            PostgresStatement(
                """
                INSERT INTO inventory_levels (tenant_id, sku, warehouse_id, available, reorder_point, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (tenant_id, sku, warehouse_id) DO UPDATE SET available = inventory_levels.available + excluded.available,
                  reorder_point = coalesce(excluded.reorder_point, inventory_levels.reorder_point), updated_at = greatest(inventory_levels.updated_at, excluded.updated_at)
                """,
                [
                    .text(e.tenantID), .text(e.sku), .text(e.warehouseID), .int(e.delta),
                    e.reorderPoint > 0 ? .int(e.reorderPoint) : .null, context.at(e.occurredAt, set: e.hasOccurredAt),
                ])
        ]
    }

    static func lowStock(_ e: LowStock, _ context: Context) -> [PostgresStatement] {
        [
            PostgresStatement(
                """
                INSERT INTO low_stock_alerts (tenant_id, event_id, sku, warehouse_id, available, reorder_point, detected_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING
                """,
                [
                    .text(e.tenantID), context.id, .text(e.sku), text(e.warehouseID), .int(e.available), .int(e.reorderPoint),
                    context.at(e.detectedAt, set: e.hasDetectedAt),
                ])
        ]
    }
}

// The event types these read models take, each registered once beside its statements.
extension ReservationAnswered: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.reservationAnswered(self, context) }
}

extension OrderReserved: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.orderReserved(self, context) }
}

extension OrderBackordered: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.orderBackordered(self, context) }
}

extension StockAdjusted: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.stockAdjusted(self, context) }
}

extension LowStock: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.lowStock(self, context) }
}
