/// The continuation of one awaited `send`, passed through librdkafka as the message opaque.
final class DeliveryWaiter: Sendable {
    private let continuation: CheckedContinuation<DeliveryReport, any Error>
    init(_ continuation: CheckedContinuation<DeliveryReport, any Error>) { self.continuation = continuation }
    func complete(_ result: Result<DeliveryReport, KafkaError>) { continuation.resume(with: result) }
}
