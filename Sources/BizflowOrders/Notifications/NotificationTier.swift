import BizflowConfig
import BizflowEvents
import BizflowHTTP
import BizflowRuntime
import Foundation
import SwiftProtobuf

/// Posts customer notifications to the messaging provider's webhook (signed JSON, the notification id as
/// idempotency key) and records each outcome: 2xx delivered, other 4xx failed, 5xx/429/timeouts retried by the
/// runtime and then dead-lettered. Only the notification is held back by a failing endpoint, never the order.
public actor NotificationTier: Tier {
    let config: WebhookConfig
    let poster: WebhookPoster
    let topics: OrderTopics

    public init(config: WebhookConfig, secret: String, client: HTTPClient = HTTPClient(), topics: OrderTopics = OrderTopics()) {
        self.config = config
        self.poster = WebhookPoster(client: client, secret: secret)
        self.topics = topics
    }

    public func handle(_ input: InboundEvent, state: inout TierState, now: Date) async throws -> [Emit] {
        guard let notification = input.event as? CustomerNotification else { return [] }  // the topic is shared
        let body: [String: Any] = [
            "notification_id": notification.notificationID, "order_id": notification.orderID,
            "tenant_id": notification.tenantID, "kind": notification.kind, "recipient": notification.recipient,
            "subject": notification.subject, "body": notification.body,
        ]
        let bytes = Array(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
        var delivery = NotificationDelivery()
        delivery.notificationID = notification.notificationID
        delivery.orderID = notification.orderID
        delivery.tenantID = notification.tenantID
        delivery.kind = notification.kind
        switch await poster.post(
            bytes, to: config.endpoint, idempotencyKey: notification.notificationID, tenant: notification.tenantID,
            timeout: .milliseconds(config.timeoutMs))
        {
        case .delivered(let status, _):
            delivery.delivered = true
            delivery.httpStatus = Int32(status)
        case .rejected(let status):
            delivery.httpStatus = Int32(status)
            delivery.error = "the endpoint rejected the notification with \(status)"
        case .retry(let reason):
            throw TierError.transient(reason)
        case .failed(let reason):
            throw TierError.invalid(reason)
        }
        delivery.attempts = Int32(input.attempt)
        delivery.deliveredAt = Google_Protobuf_Timestamp(date: now)
        return [Emit(delivery, to: topics.fulfilment)]
    }
}
