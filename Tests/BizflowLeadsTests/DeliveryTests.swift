import BizflowConfig
import BizflowEvents
import BizflowHTTP
@testable import BizflowLeads
import BizflowRuntime
import BizflowTestSupport
import Foundation
import Testing

@Suite("HTTP client and webhook delivery")
struct DeliveryTests {
    @Test("HMAC-SHA256 signatures match a known vector and reject tampering")
    func signatures() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let signer = WebhookSigner(secret: "Jefe")
        let body = Array("what do ya want for nothing?".utf8)
        #expect(signer.signature(for: body) == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(signer.verify(signer.signature(for: body), body: body))
        #expect(!signer.verify(signer.signature(for: body), body: body + [0x20]))
    }

    @Test("a connection refused is a retriable HTTP error naming the endpoint without its query")
    func refused() async throws {
        let client = HTTPClient()
        let error = await #expect(throws: HTTPError.self) {
            try await client.send(HTTPRequest(url: "http://127.0.0.1:9/x?token=secret", body: [1], timeout: .seconds(2)))
        }
        #expect(error?.isRetriable == true)
        #expect(error?.description.contains("secret") == false)
    }

    @Test("5xx is retried by the runtime, 4xx is recorded as failed, 2xx delivered; the body is signed")
    func statuses() async throws {
        let receiver = WebhookReceiver(secret: "s3cret", failuresPerKey: 1, failStatus: 503)
        let url = try await receiver.start()
        let tier = DeliveryTier(config: WebhookConfig(endpoint: url, timeoutMs: 30_000), secret: "s3cret")
        var message = NurtureMessage()
        message.messageID = "m-1"
        message.leadID = "L1"
        message.tenantID = "acme"
        message.subject = "Hello"
        let input = InboundEvent(
            envelope: EventEnvelope(source: "t", type: NurtureMessage.eventType, tenantID: "acme"), event: message,
            topic: "nurture.messages", partition: 0, offset: 0, key: "L1")
        var state = TierState.detached()
        await #expect(throws: TierError.self) { try await tier.handle(input, state: &state, now: .now) }
        let emits = try await tier.handle(input, state: &state, now: .now)
        let delivery = try #require(emits.first?.event as? NurtureDelivery)
        #expect(delivery.status == .delivered)
        #expect(delivery.httpStatus == 200)
        let received = await receiver.all
        #expect(received.count == 2)
        #expect(received.allSatisfy { $0.signatureValid && $0.key == "m-1" })
        #expect(received.last?.body["subject"] == "Hello")
        await receiver.stop()

        let rejecting = WebhookReceiver(secret: "s3cret", failuresPerKey: 5, failStatus: 422)
        let tier422 = DeliveryTier(config: WebhookConfig(endpoint: try await rejecting.start(), timeoutMs: 30_000), secret: "s3cret")
        let failed = try #require(try await tier422.handle(input, state: &state, now: .now).first?.event as? NurtureDelivery)
        #expect(failed.status == .failed)
        #expect(failed.httpStatus == 422)
        await rejecting.stop()
    }
}
