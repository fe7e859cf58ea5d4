import BizflowEvents

/// What makes a placed order unusable (poison): dead-lettered with these reasons instead of assessed.
public enum OrderValidator {
    /// Units one line may ask for before the order is refused as malformed (fraud rules flag far fewer).
    static let maxLineQuantity: Int32 = 100_000

    /// Every problem of `order`, empty when it can be assessed.
    public static func problems(_ order: OrderPlaced, config: FraudConfig) -> [String] {
        var problems: [String] = []
        if order.customerID.isEmpty && order.customerEmail.isEmpty {
            problems.append("customer_id or customer_email is required")
        }
        if !order.customerEmail.isEmpty && !looksLikeEmail(order.customerEmail) {
            problems.append("customer_email is not a well-formed address")
        }
        if order.items.isEmpty { problems.append("items must not be empty") }
        var sum: Int64 = 0
        var overflow = false
        for (index, item) in order.items.enumerated() {
            if item.sku.isEmpty { problems.append("items[\(index)].sku is required") }
            if item.quantity <= 0 {
                problems.append("items[\(index)].quantity must be positive (got \(item.quantity))")
            } else if item.quantity > maxLineQuantity {
                problems.append("items[\(index)].quantity must be at most \(maxLineQuantity)")
            }
            if item.unitPrice < 0 { problems.append("items[\(index)].unit_price must not be negative") }
            let (line, o1) = Int64(item.quantity).multipliedReportingOverflow(by: item.unitPrice)
            let (next, o2) = sum.addingReportingOverflow(line)
            overflow = overflow || o1 || o2
            sum = next
        }
        if order.currency.isEmpty {
            problems.append("currency is required")
        } else if !config.accepts(currency: order.currency) {
            problems.append("currency \(order.currency) is not an accepted ISO 4217 code")
        }
        if overflow {
            problems.append("the items' amounts overflow")
        } else if problems.isEmpty && order.total != sum {
            problems.append("total \(order.total) does not match the items (\(sum))")
        }
        if order.total < 0 { problems.append("total must not be negative") }
        if !order.hasShippingAddress || order.shippingAddress.country.count != 2 {
            problems.append("shipping_address.country (ISO 3166-1 alpha-2) is required")
        }
        if !order.serviceLevel.isEmpty && !FulfilmentConfig.levels.contains(order.serviceLevel) {
            problems.append("service_level must be one of \(FulfilmentConfig.levels.joined(separator: ", "))")
        }
        return problems
    }

    /// One `@`, something before it, and a dotted domain after it.
    static func looksLikeEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return false }
        let domain = parts[1]
        return domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix(".") && !domain.contains(" ")
    }
}
