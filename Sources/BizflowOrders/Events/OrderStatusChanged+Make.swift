import BizflowEvents
import Foundation
import SwiftProtobuf

extension OrderStatusChanged {
    /// A status change of an order: the audit trail every tier writes when it moves an order on.
    static func make(
        _ orderID: String, tenant: String, to status: OrderStatus, from previous: OrderStatus, reason: String,
        actor: String, at now: Date
    ) -> OrderStatusChanged {
        var event = OrderStatusChanged()
        event.orderID = orderID
        event.tenantID = tenant
        event.status = status
        event.previous = previous
        event.reason = reason
        event.actor = actor
        event.changedAt = Google_Protobuf_Timestamp(date: now)
        return event
    }
}
