// Stock events and reservation requests are keyed by SKU, so one inventory actor owns each SKU.
public typealias StockAdjusted = Bizflow_Inventory_V1_StockAdjusted
extension StockAdjusted: DomainEvent {
    public var eventKey: String { sku }
    public static let keyField = "sku"
}
public typealias LowStock = Bizflow_Inventory_V1_LowStock
extension LowStock: DomainEvent {
    public var eventKey: String { sku }
    public static let keyField = "sku"
}
public typealias ReservationRequested = Bizflow_Orders_V1_ReservationRequested
extension ReservationRequested: DomainEvent {
    public var eventKey: String { sku }
    public static let keyField = "sku"
}

extension EventCatalog {
    /// The events of this file, in the order of their proto files.
    static let inventoryEvents: [any DomainEvent.Type] = [
        ReservationRequested.self,
        StockAdjusted.self,
        LowStock.self,
    ]
}
