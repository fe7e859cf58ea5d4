import BizflowEvents
import BizflowKafka
import BizflowRuntime
import Foundation
import HTTPTypes
import Hummingbird

extension Gateway {
    /// Produces an event and waits for Kafka's delivery report, then answers 202 with the event id. With an
    /// `Idempotency-Key`, a retried request gets the first answer again and nothing is produced twice. `build` makes
    /// the event from the event id (so ids derived from it are the same on a retry).
    func publish(
        _ request: Request, tenant: String, requestHash: String, topic: String,
        build: (String) throws -> any DomainEvent
    ) async throws -> Response {
        let idempotencyKey = request.headers[HTTPField.Name("Idempotency-Key")!]
        if let key = idempotencyKey, key.isEmpty || key.count > 200 {
            throw GatewayError(.badRequest, "invalid_idempotency_key", "Idempotency-Key must be 1 to 200 characters")
        }
        var eventID = EventEnvelope.newID()
        if let key = idempotencyKey {
            switch try await IdempotencyStore.reserve(tenant: tenant, key: key, requestHash: requestHash, database: database) {
            case .replay(let response): return Self.accepted(response, replayed: true)
            case .produce(let reserved): eventID = reserved
            }
        }
        let event = try build(eventID)
        let envelope = EventEnvelope(
            id: eventID, source: "bizflow/gateway", type: type(of: event).eventType, time: Date(), tenantID: tenant)
        let record = try EventRecord.make(event, envelope: envelope, topic: topic)
        let report = try await deliver(record)
        let answer: [String: Any] = [
            "event_id": eventID, "event_type": envelope.type, "topic": report.topic, "key": event.eventKey,
            "partition": Int(report.partition), "offset": Int(report.offset),
        ]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys]), as: UTF8.self)
        if let key = idempotencyKey {
            try await IdempotencyStore.complete(tenant: tenant, key: key, response: json, database: database)
        }
        return Self.accepted(json, replayed: false)
    }

    /// Sends and awaits the delivery report, at most `deliveryTimeout`.
    private func deliver(_ record: ProducerMessage) async throws -> DeliveryReport {
        let producer = self.producer
        let timeout = settings.deliveryTimeout
        do {
            return try await withThrowingTaskGroup(of: DeliveryReport?.self) { group in
                group.addTask { try await producer.send(record) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let report = first else {
                    throw GatewayError(
                        .serviceUnavailable, "kafka_timeout",
                        "Kafka did not confirm the event in time: retry with the same Idempotency-Key to avoid a duplicate")
                }
                return report
            }
        } catch let error as GatewayError {
            throw error
        } catch {
            logger.warning("produce failed", metadata: ["error": "\(error)"])
            throw GatewayError.unavailable("Kafka")
        }
    }

    static func accepted(_ json: String, replayed: Bool) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if replayed { headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
        return Response(status: .accepted, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    /// A JSON document answered with 200.
    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
