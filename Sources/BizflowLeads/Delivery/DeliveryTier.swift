import BizflowConfig
import BizflowEvents
import BizflowHTTP
import BizflowRuntime
import Foundation
import SwiftProtobuf

/// Delivers nurture messages to the provider over HTTP (libcurl): a JSON POST signed with HMAC-SHA256, with the
/// message id as idempotency key so a retried delivery is not sent twice. 2xx → delivered, other 4xx → failed
/// (recorded), 5xx, 429 and timeouts → retried with backoff by the runtime, then dead-lettered.
public actor DeliveryTier: Tier {
    let config: WebhookConfig
    let poster: WebhookPoster

    /// Its outcomes go to the topic the topology routes them to (`nurture.messages`, beside the messages).
    public init(config: WebhookConfig, secret: String, client: HTTPClient = HTTPClient()) {
        self.config = config
        self.poster = WebhookPoster(client: client, secret: secret)
    }

    public func handle(_ input: InboundEvent, state: inout TierState, now: Date) async throws -> [Emit] {
        guard let message = input.event as? NurtureMessage else { return [] }  // deliveries share the topic
        let outcome = await poster.post(
            try Self.body(message), to: config.endpoint, idempotencyKey: message.messageID, tenant: message.tenantID,
            timeout: .milliseconds(config.timeoutMs))
        var delivery = NurtureDelivery()
        delivery.messageID = message.messageID
        delivery.leadID = message.leadID
        delivery.tenantID = message.tenantID
        delivery.campaignID = message.campaignID
        switch outcome {
        case .delivered(let status, _):
            delivery.status = .delivered
            delivery.httpStatus = Int32(status)
        case .rejected(let status):
            delivery.status = .failed
            delivery.httpStatus = Int32(status)
            delivery.error = "the endpoint rejected the message with \(status)"
        case .retry(let reason):
            throw TierError.transient(reason)
        case .failed(let reason):
            throw TierError.invalid(reason)
        }
        delivery.attempts = Int32(input.attempt)
        delivery.deliveredAt = Google_Protobuf_Timestamp(date: now)
        return [Emit(delivery)]
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
