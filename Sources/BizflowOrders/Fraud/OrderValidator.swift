import BizflowEvents

/// What makes a placed order unusable (poison): dead-lettered with these reasons by the fraud tier, refused with
/// 422 by the gateway.
public enum OrderValidator {
    /// Units one line may ask for before the order is refused as malformed (fraud rules flag far fewer).
    static let maxLineQuantity: Int32 = 100_000

    /// Every problem of `order` as sentences, empty when it can be assessed.
    public static func problems(_ order: OrderPlaced, config: FraudConfig) -> [String] {
        fieldProblems(order, acceptsCurrency: config.accepts(currency:)).map(\.message)
    }

    /// Every problem of `order` with the field it is about (`items[2].quantity`).
    public static func fieldProblems(_ order: OrderPlaced, acceptsCurrency: (String) -> Bool)
        -> [(field: String, message: String)]
    {
        var problems: [(field: String, message: String)] = []
        func add(_ field: String, _ message: String) { problems.append((field, message)) }
        if order.customerID.isEmpty && order.customerEmail.isEmpty {
            add("customer_id", "customer_id or customer_email is required")
        }
        if !order.customerEmail.isEmpty && !looksLikeEmail(order.customerEmail) {
            add("customer_email", "customer_email is not a well-formed address")
        }
        if order.items.isEmpty { add("items", "items must not be empty") }
        var sum: Int64 = 0
        var overflow = false
        for (index, item) in order.items.enumerated() {
            let path = "items[\(index)]"
            if item.sku.isEmpty { add("\(path).sku", "\(path).sku is required") }
            if item.quantity <= 0 {
                add("\(path).quantity", "\(path).quantity must be positive (got \(item.quantity))")
            } else if item.quantity > maxLineQuantity {
                add("\(path).quantity", "\(path).quantity must be at most \(maxLineQuantity)")
            }
            if item.unitPrice < 0 { add("\(path).unit_price", "\(path).unit_price must not be negative") }
            let (line, o1) = Int64(item.quantity).multipliedReportingOverflow(by: item.unitPrice)
            let (next, o2) = sum.addingReportingOverflow(line)
            overflow = overflow || o1 || o2
            sum = next
        }
        if order.currency.isEmpty {
            add("currency", "currency is required")
        } else if !acceptsCurrency(order.currency) {
            add("currency", "currency \(order.currency) is not an accepted ISO 4217 code")
        }
        if overflow {
            add("items", "the items' amounts overflow")
        } else if problems.isEmpty && order.total != sum {
            add("total", "total \(order.total) does not match the items (\(sum))")
        }
        if order.total < 0 { add("total", "total must not be negative") }
        if !order.hasShippingAddress || order.shippingAddress.country.count != 2 {
            add("shipping_address.country", "shipping_address.country (ISO 3166-1 alpha-2) is required")
        }
        if !order.serviceLevel.isEmpty && !FulfilmentConfig.levels.contains(order.serviceLevel) {
            add("service_level", "service_level must be one of \(FulfilmentConfig.levels.joined(separator: ", "))")
        }
        return problems
    }

    /// One `@`, something before it, and a dotted domain after it.
    public static func looksLikeEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return false }
        let domain = parts[1]
        return domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix(".") && !domain.contains(" ")
    }
}
