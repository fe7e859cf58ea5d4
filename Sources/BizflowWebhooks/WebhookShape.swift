import BizflowEvents

/// What makes a `WebhookTier` one tier rather than another: the request an event becomes, its idempotency key, and
/// the event that records the outcome.
public struct WebhookShape<Posted: DomainEvent>: Sendable {
    public var idempotencyKey: @Sendable (Posted) -> String
    /// The JSON the receiver gets.
    public var body: @Sendable (Posted) throws -> [UInt8]
    public var record: @Sendable (Posted, WebhookResult) -> any DomainEvent

    public init(
        idempotencyKey: @escaping @Sendable (Posted) -> String, body: @escaping @Sendable (Posted) throws -> [UInt8],
        record: @escaping @Sendable (Posted, WebhookResult) -> any DomainEvent
    ) {
        self.idempotencyKey = idempotencyKey
        self.body = body
        self.record = record
    }
}
