// Stock events and reservation requests are keyed by SKU, so one inventory actor owns each SKU.
extension StockAdjusted: DomainEvent {
    public var eventKey: String { sku }
    public static let keyField = "sku"
}
extension LowStock: DomainEvent {
    public var eventKey: String { sku }
    public static let keyField = "sku"
}
extension ReservationRequested: DomainEvent {
    public var eventKey: String { sku }
    public static let keyField = "sku"
}
