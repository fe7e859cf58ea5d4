import BizflowConfig
import BizflowEvents
import BizflowHTTP
import BizflowRuntime
import Foundation

/// A tier that posts each event of one type to a webhook (signed JSON, an idempotency key per event, so a retried
/// POST is not acted on twice) and records the outcome as an event: 2xx delivered, other 4xx failed (recorded),
/// 5xx, 429 and timeouts retried by the runtime with backoff, then dead-lettered. Nurture delivery and customer
/// notifications are two shapes of it.
public actor WebhookTier<Posted: DomainEvent>: Tier {
    let config: WebhookConfig
    let poster: WebhookPoster
    let shape: WebhookShape<Posted>

    public init(config: WebhookConfig, secret: String, client: HTTPClient = HTTPClient(), shape: WebhookShape<Posted>) {
        self.config = config
        self.poster = WebhookPoster(client: client, secret: secret)
        self.shape = shape
    }

    public func handle(_ input: InboundEvent, state: inout TierState, now: Date) async throws -> [Emit] {
        guard let event = input.event as? Posted else { return [] }  // its outcomes may share the topic
        let outcome = await poster.post(
            try shape.body(event), to: config.endpoint, idempotencyKey: shape.idempotencyKey(event), tenant: event.tenantID,
            timeout: .milliseconds(config.timeoutMs))
        var result = WebhookResult(attempts: input.attempt, at: now)
        switch outcome {
        case .delivered(let status, _):
            result.delivered = true
            result.status = status
        case .rejected(let status):
            result.status = status
            result.error = "the endpoint rejected it with \(status)"
        case .retry(let reason):
            throw TierError.transient(reason)
        case .failed(let reason):
            throw TierError.invalid(reason)
        }
        return [Emit(shape.record(event, result))]
    }
}
