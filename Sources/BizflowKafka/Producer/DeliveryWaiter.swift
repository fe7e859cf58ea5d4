/// What runs when one awaited record's delivery report arrives, passed through librdkafka as the message opaque.
final class DeliveryWaiter: Sendable {
    private let completion: @Sendable (Result<DeliveryReport, KafkaError>) -> Void

    init(_ continuation: CheckedContinuation<DeliveryReport, any Error>) {
        completion = { continuation.resume(with: $0.mapError { $0 as any Error }) }
    }

    init(_ completion: @escaping @Sendable (Result<DeliveryReport, KafkaError>) -> Void) { self.completion = completion }

    func complete(_ result: Result<DeliveryReport, KafkaError>) { completion(result) }
}
