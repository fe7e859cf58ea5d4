import BizflowEvents
@testable import BizflowOrders
import Foundation

/// The repository's root, for the shipped configuration files.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let topologyDirectory = repositoryRoot.appendingPathComponent("Topology").path

func shippedFraud() throws -> FraudConfig { try FraudConfig.load(path: topologyDirectory + "/fraud.yaml") }
func shippedWarehouses() throws -> WarehouseConfig { try WarehouseConfig.load(path: topologyDirectory + "/warehouses.yaml") }
func shippedFulfilment() throws -> FulfilmentConfig {
    try FulfilmentConfig.load(path: topologyDirectory + "/fulfilment.yaml", environment: [:])
}

/// A clean order (approved by the shipped rules); tests change the fields they are about.
func order(_ id: String = "O1", _ change: (inout OrderPlaced) -> Void = { _ in }) -> OrderPlaced {
    var order = OrderPlaced()
    order.orderID = id
    order.tenantID = "acme"
    order.customerID = "cust-\(id)"
    order.customerEmail = "buyer.\(id.lowercased())@example.com"
    order.currency = "EUR"
    order.items = [item("SKU-KEYBOARD", 1, 4_900), item("SKU-MOUSE", 2, 1_900)]
    order.total = 4_900 + 2 * 1_900
    order.shippingAddress = address("DE")
    order.billingAddress = address("DE")
    order.payment.method = .card
    order.payment.cardFingerprint = "card-\(id)"
    let n = id.utf8.reduce(0) { $0 &* 31 &+ Int($1) } & 0xffff
    order.payment.ipAddress = "10.0.\(n / 256).\(n % 256)"
    order.placedAt = .init(date: Date(timeIntervalSince1970: 1_790_000_000))
    order.serviceLevel = "standard"
    change(&order)
    return order
}

func item(_ sku: String, _ quantity: Int32, _ price: Int64) -> OrderItem {
    var item = OrderItem()
    item.sku = sku
    item.quantity = quantity
    item.unitPrice = price
    return item
}

func address(_ country: String) -> Address {
    var address = Address()
    address.name = "Ada Buyer"
    address.line1 = "1 Main Street"
    address.city = "Town"
    address.postalCode = "10115"
    address.country = country
    return address
}

/// Sets the items and a matching total.
func withItems(_ order: inout OrderPlaced, _ items: [OrderItem]) {
    order.items = items
    order.total = items.reduce(0) { $0 + Int64($1.quantity) * $1.unitPrice }
}

func stock(_ sku: String, _ warehouse: String, _ delta: Int64, reason: AdjustmentReason = .initial, id: String = "")
    -> StockAdjusted
{
    var adjustment = StockAdjusted()
    adjustment.adjustmentID = id.isEmpty ? "adj-\(sku)-\(warehouse)-\(delta)" : id
    adjustment.tenantID = "acme"
    adjustment.sku = sku
    adjustment.warehouseID = warehouse
    adjustment.delta = delta
    adjustment.reason = reason
    return adjustment
}
