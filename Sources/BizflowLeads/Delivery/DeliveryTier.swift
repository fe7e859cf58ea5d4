import BizflowConfig
import BizflowEvents
import BizflowHTTP
import BizflowWebhooks
import Foundation
import SwiftProtobuf

/// Delivers nurture messages to the provider: each message posted with its id as idempotency key, each outcome a
/// `NurtureDelivery` (to the topic the topology routes it to: `nurture.messages`, beside the messages).
public typealias DeliveryTier = WebhookTier<NurtureMessage>

extension WebhookTier where Posted == NurtureMessage {
    public init(config: WebhookConfig, secret: String, client: HTTPClient = HTTPClient()) {
        self.init(config: config, secret: secret, client: client, shape: Self.nurture)
    }

    static var nurture: WebhookShape<NurtureMessage> {
        WebhookShape(idempotencyKey: \.messageID, body: body) { message, result in
            var delivery = NurtureDelivery()
            delivery.messageID = message.messageID
            delivery.leadID = message.leadID
            delivery.tenantID = message.tenantID
            delivery.campaignID = message.campaignID
            delivery.status = result.delivered ? .delivered : .failed
            delivery.httpStatus = Int32(result.status)
            delivery.error = result.error
            delivery.attempts = Int32(result.attempts)
            delivery.deliveredAt = Google_Protobuf_Timestamp(date: result.at)
            return delivery
        }
    }

    /// The JSON the provider receives.
    static func body(_ message: NurtureMessage) throws -> [UInt8] {
        let object: [String: Any] = [
            "message_id": message.messageID, "lead_id": message.leadID, "tenant_id": message.tenantID,
            "campaign_id": message.campaignID, "step": Int(message.step), "channel": NurtureTier.channelName(message.channel),
            "template_id": message.templateID, "recipient": message.recipient, "subject": message.subject,
            "body": message.body, "rep_id": message.repID,
        ]
        return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }
}
