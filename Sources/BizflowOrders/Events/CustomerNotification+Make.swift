import BizflowEvents
import Foundation
import SwiftProtobuf

extension CustomerNotification {
    /// A notification to the order's customer; its id is stable per order, kind and `reference`, so a repeated
    /// event never notifies twice.
    static func make(_ kind: String, order: OrderPlaced, reference: String = "", detail: String, at now: Date)
        -> CustomerNotification
    {
        var notification = CustomerNotification()
        notification.notificationID = [order.orderID, kind, reference].filter { !$0.isEmpty }.joined(separator: "-")
        notification.orderID = order.orderID
        notification.tenantID = order.tenantID
        notification.kind = kind
        notification.recipient = order.customerEmail
        notification.subject = subject(kind, order.orderID)
        notification.body = detail
        notification.createdAt = Google_Protobuf_Timestamp(date: now)
        return notification
    }

    private static func subject(_ kind: String, _ orderID: String) -> String {
        switch kind {
        case "order_confirmed": return "Your order \(orderID) is confirmed"
        case "shipped": return "Your order \(orderID) is on its way"
        case "delivered": return "Your order \(orderID) was delivered"
        case "cancelled": return "Your order \(orderID) was cancelled"
        case "refunded": return "Your refund for order \(orderID)"
        default: return "About your order \(orderID)"
        }
    }
}
