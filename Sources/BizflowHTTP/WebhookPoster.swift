/// Posts signed JSON to webhooks (nurture deliveries, customer notifications, carrier labels): the one place that
/// builds the signed request and says what its answer means for a retrying caller.
public struct WebhookPoster: Sendable {
    /// What a POST came to.
    public enum Outcome: Sendable, Equatable {
        /// 2xx.
        case delivered(status: Int, body: [UInt8])
        /// Other 4xx: sending again would fail again.
        case rejected(status: Int)
        /// 5xx, 429, 408, timeouts and connection failures: worth another attempt later.
        case retry(reason: String)
        /// The request itself cannot work (a malformed URL, an unsupported scheme).
        case failed(reason: String)
    }

    let client: HTTPClient
    let signer: WebhookSigner

    public init(client: HTTPClient, secret: String) {
        self.client = client
        self.signer = WebhookSigner(secret: secret)
    }

    /// POSTs `body` (JSON) signed with HMAC-SHA256 and `Idempotency-Key`, so a retried POST is not acted on twice.
    public func post(
        _ body: [UInt8], to url: String, idempotencyKey: String, tenant: String, timeout: Duration
    ) async -> Outcome {
        let request = HTTPRequest(
            url: url,
            headers: [
                ("Content-Type", "application/json"), ("Idempotency-Key", idempotencyKey),
                (WebhookSigner.header, signer.signature(for: body)), ("X-Bizflow-Tenant", tenant),
            ], body: body, timeout: timeout)
        do {
            let response = try await client.send(request)
            if response.isSuccess { return .delivered(status: response.status, body: response.body) }
            if response.isRetriable { return .retry(reason: "the endpoint answered \(response.status)") }
            return .rejected(status: response.status)
        } catch {
            return error.isRetriable ? .retry(reason: error.description) : .failed(reason: error.description)
        }
    }
}
