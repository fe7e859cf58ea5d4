import BizflowEvents
import BizflowHTTP
import BizflowRuntime
import Foundation
import SwiftProtobuf

/// Delivers nurture messages to the provider over HTTP (libcurl): a JSON POST signed with HMAC-SHA256, with the
/// message id as idempotency key so a retried delivery is not sent twice. 2xx → delivered, other 4xx → failed
/// (recorded), 5xx, 429 and timeouts → retried with backoff by the runtime, then dead-lettered.
public actor DeliveryTier: Tier {
    let config: DeliveryConfig
    let signer: WebhookSigner
    let client: HTTPClient
    let topics: LeadTopics

    public init(config: DeliveryConfig, secret: String, client: HTTPClient = HTTPClient(), topics: LeadTopics = LeadTopics()) {
        self.config = config
        self.signer = WebhookSigner(secret: secret)
        self.client = client
        self.topics = topics
    }

    public func handle(_ input: InboundEvent, state: inout TierState, now: Date) async throws -> [Emit] {
        guard let message = input.event as? NurtureMessage else { return [] }  // deliveries share the topic
        let body = try Self.body(message)
        let request = HTTPRequest(
            url: config.endpoint,
            headers: [
                ("Content-Type", "application/json"), ("Idempotency-Key", message.messageID),
                (WebhookSigner.header, signer.signature(for: body)), ("X-Bizflow-Tenant", message.tenantID),
            ], body: body, timeout: .milliseconds(config.timeoutMs))
        let response: HTTPResponse
        do {
            response = try await client.send(request)
        } catch {
            if error.isRetriable { throw TierError.transient(error.description) }
            throw TierError.invalid(error.description)
        }
        if response.isRetriable { throw TierError.transient("the endpoint answered \(response.status)") }
        var delivery = NurtureDelivery()
        delivery.messageID = message.messageID
        delivery.leadID = message.leadID
        delivery.tenantID = message.tenantID
        delivery.campaignID = message.campaignID
        delivery.status = response.isSuccess ? .delivered : .failed
        delivery.httpStatus = Int32(response.status)
        delivery.attempts = Int32(input.attempt)
        if !response.isSuccess { delivery.error = "the endpoint rejected the message with \(response.status)" }
        delivery.deliveredAt = Google_Protobuf_Timestamp(date: now)
        return [Emit(delivery, to: topics.nurture)]
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
