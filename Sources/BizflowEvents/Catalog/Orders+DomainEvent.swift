extension OrderPlaced: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
extension OrderAssessed: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
extension ReviewRequested: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
extension ReservationAnswered: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
extension OrderReserved: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
extension OrderBackordered: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
extension OrderStatusChanged: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
extension ShipmentUpdated: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
extension CarrierCallback: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
extension ReturnRequested: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
extension RefundIssued: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
extension CustomerNotification: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
extension ReviewDecision: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
extension CancelOrder: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
extension VelocityProbe: DomainEvent {
    /// Tenant, dimension and value: every order sharing a value meets in one partition.
    public var eventKey: String { value.isEmpty ? "" : "\(tenantID)|\(dimension)|\(value)" }
    public static let keyField = "value"
}
extension VelocityCounted: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
extension NotificationDelivery: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
