public typealias OrderPlaced = Bizflow_Orders_V1_OrderPlaced
extension OrderPlaced: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
public typealias OrderAssessed = Bizflow_Orders_V1_OrderAssessed
extension OrderAssessed: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
public typealias ReviewRequested = Bizflow_Orders_V1_ReviewRequested
extension ReviewRequested: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
public typealias ReservationAnswered = Bizflow_Orders_V1_ReservationAnswered
extension ReservationAnswered: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
public typealias OrderReserved = Bizflow_Orders_V1_OrderReserved
extension OrderReserved: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
public typealias OrderBackordered = Bizflow_Orders_V1_OrderBackordered
extension OrderBackordered: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
public typealias OrderStatusChanged = Bizflow_Orders_V1_OrderStatusChanged
extension OrderStatusChanged: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
public typealias ShipmentUpdated = Bizflow_Orders_V1_ShipmentUpdated
extension ShipmentUpdated: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
public typealias CarrierCallback = Bizflow_Orders_V1_CarrierCallback
extension CarrierCallback: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
public typealias ReturnRequested = Bizflow_Orders_V1_ReturnRequested
extension ReturnRequested: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
public typealias RefundIssued = Bizflow_Orders_V1_RefundIssued
extension RefundIssued: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
public typealias CustomerNotification = Bizflow_Orders_V1_CustomerNotification
extension CustomerNotification: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
public typealias ReviewDecision = Bizflow_Commands_V1_ReviewDecision
extension ReviewDecision: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
public typealias CancelOrder = Bizflow_Commands_V1_CancelOrder
extension CancelOrder: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
public typealias VelocityProbe = Bizflow_Orders_V1_VelocityProbe
extension VelocityProbe: DomainEvent {
    /// Tenant, dimension and value: every order sharing a value meets in one partition.
    public var eventKey: String { value.isEmpty ? "" : "\(tenantID)|\(dimension)|\(value)" }
    public static let keyField = "value"
}
public typealias VelocityCounted = Bizflow_Orders_V1_VelocityCounted
extension VelocityCounted: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}
public typealias NotificationDelivery = Bizflow_Orders_V1_NotificationDelivery
extension NotificationDelivery: DomainEvent {
    public var eventKey: String { orderID }
    public static let keyField = "order_id"
}

extension EventCatalog {
    /// The events of this file, in the order of their proto files.
    static let orderEvents: [any DomainEvent.Type] = [
        OrderPlaced.self,
        OrderAssessed.self,
        ReviewRequested.self,
        ReservationAnswered.self,
        OrderReserved.self,
        OrderBackordered.self,
        OrderStatusChanged.self,
        ShipmentUpdated.self,
        CarrierCallback.self,
        ReturnRequested.self,
        RefundIssued.self,
        CustomerNotification.self,
        VelocityProbe.self,
        VelocityCounted.self,
        NotificationDelivery.self,
        ReviewDecision.self,
        CancelOrder.self,
    ]
}
