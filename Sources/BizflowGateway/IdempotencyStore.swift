import BizflowPostgres
import Foundation

/// `Idempotency-Key` support: the first request with a key reserves an event id; a retry with the same key and
/// the same body gets the same answer (the same event id) and produces nothing more.
enum IdempotencyStore {
    enum Reservation: Sendable {
        /// Produce under this event id (a fresh one, or the one a request that never finished had reserved).
        case produce(eventID: String)
        /// Already answered: send this again.
        case replay(response: String)
    }

    static func reserve(tenant: String, key: String, requestHash: String, database: PostgresConnection) async throws -> Reservation {
        let fresh = UUID().uuidString.lowercased()
        let rows = try await database.transaction { tx -> PostgresRows in
            try tx.query(
                """
                INSERT INTO idempotency_keys (tenant_id, idempotency_key, request_hash, event_id) VALUES ($1, $2, $3, $4)
                ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
                """, [.text(tenant), .text(key), .text(requestHash), .text(fresh)])
            return try tx.query(
                "SELECT request_hash, event_id, response FROM idempotency_keys WHERE tenant_id = $1 AND idempotency_key = $2",
                [.text(tenant), .text(key)])
        }
        guard rows.value(0, "request_hash") == requestHash, let eventID = rows.value(0, "event_id") else {
            throw GatewayError(
                .unprocessableContent, "idempotency_key_reused",
                "this Idempotency-Key was used for a different request: use a new key for a new request")
        }
        if let response = rows.value(0, "response") { return .replay(response: response) }
        return .produce(eventID: eventID)
    }

    static func complete(tenant: String, key: String, response: String, database: PostgresConnection) async throws {
        try await database.query(
            "UPDATE idempotency_keys SET response = $3 WHERE tenant_id = $1 AND idempotency_key = $2",
            [.text(tenant), .text(key), .text(response)])
    }
}
