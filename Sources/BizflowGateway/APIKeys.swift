import BizflowPostgres
import Crypto
import Foundation

/// API keys per tenant. A key is `bzk_<id>_<secret>`; only the SHA-256 of the whole key is stored, so a key is
/// shown once, when it is made, and a leaked database does not leak keys.
public enum APIKeys {
    /// A new key's public id and the key itself (print it once; it cannot be recovered).
    public struct Created: Sendable {
        public var id: String
        public var key: String
    }

    /// Who a key belongs to.
    public struct Owner: Sendable, Equatable {
        public var keyID: String
        public var tenant: String
    }

    public static func create(tenant: String, name: String, database: PostgresConnection) async throws -> Created {
        var random = SystemRandomNumberGenerator()
        let id = (0..<8).map { _ in String(format: "%x", Int.random(in: 0..<16, using: &random)) }.joined()
        let secretBytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        let secret = Data(secretBytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let key = "bzk_\(id)_\(secret)"
        try await database.query(
            "INSERT INTO api_keys (key_id, tenant_id, name, secret_hash) VALUES ($1, $2, $3, $4)",
            [.text(id), .text(tenant), .text(name), .text(hash(key))])
        return Created(id: id, key: key)
    }

    /// Revokes a key by its id; false when there is no such active key.
    public static func revoke(id: String, database: PostgresConnection) async throws -> Bool {
        try await database.query(
            "UPDATE api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL", [.text(id)]
        ).affected == 1
    }

    /// Every key of a tenant (ids, names, dates; never secrets).
    public static func list(tenant: String?, database: PostgresConnection) async throws -> PostgresRows {
        try await database.query(
            """
            SELECT key_id, tenant_id, name, created_at, revoked_at FROM api_keys
            WHERE $1::text IS NULL OR tenant_id = $1 ORDER BY tenant_id, created_at
            """, [tenant.map { .text($0) } ?? .null])
    }

    /// The owner of an active key, nil for an unknown, malformed or revoked one.
    static func owner(of key: String, database: PostgresConnection) async throws -> Owner? {
        let parts = key.split(separator: "_", maxSplits: 2)
        guard parts.count == 3, parts[0] == "bzk", parts[1].count == 8 else { return nil }
        let rows = try await database.query(
            "SELECT tenant_id, secret_hash FROM api_keys WHERE key_id = $1 AND revoked_at IS NULL", [.text(String(parts[1]))])
        guard rows.count == 1, let tenant = rows.value(0, "tenant_id"), let stored = rows.value(0, "secret_hash"),
            constantTimeEqual(Array(stored.utf8), Array(hash(key).utf8))
        else { return nil }
        return Owner(keyID: String(parts[1]), tenant: tenant)
    }

    static func hash(_ key: String) -> String {
        SHA256.hash(data: Array(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
