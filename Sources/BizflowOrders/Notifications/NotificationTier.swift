import BizflowConfig
import BizflowEvents
import BizflowHTTP
import BizflowWebhooks
import Foundation
import SwiftProtobuf

/// Posts customer notifications to the messaging provider's webhook, the notification id as idempotency key, each
/// outcome a `NotificationDelivery`. Only the notification is held back by a failing endpoint, never the order.
public typealias NotificationTier = WebhookTier<CustomerNotification>

extension WebhookTier where Posted == CustomerNotification {
    public init(config: WebhookConfig, secret: String, client: HTTPClient = HTTPClient()) {
        self.init(config: config, secret: secret, client: client, shape: Self.notification)
    }

    static var notification: WebhookShape<CustomerNotification> {
        WebhookShape(idempotencyKey: \.notificationID, body: body) { notification, result in
            var delivery = NotificationDelivery()
            delivery.notificationID = notification.notificationID
            delivery.orderID = notification.orderID
            delivery.tenantID = notification.tenantID
            delivery.kind = notification.kind
            delivery.delivered = result.delivered
            delivery.httpStatus = Int32(result.status)
            delivery.error = result.error
            delivery.attempts = Int32(result.attempts)
            delivery.deliveredAt = Google_Protobuf_Timestamp(date: result.at)
            return delivery
        }
    }

    /// The JSON the provider receives.
    static func body(_ notification: CustomerNotification) throws -> [UInt8] {
        let object: [String: Any] = [
            "notification_id": notification.notificationID, "order_id": notification.orderID,
            "tenant_id": notification.tenantID, "kind": notification.kind, "recipient": notification.recipient,
            "subject": notification.subject, "body": notification.body,
        ]
        return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }
}
