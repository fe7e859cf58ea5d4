import BizflowPostgres
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Authenticates /v1 requests by API key (`Authorization: Bearer <key>` or `X-API-Key`), sets the tenant from the
/// key, and applies the per-key rate limit (429 with Retry-After). Valid keys are remembered for a few seconds,
/// so a revocation takes effect within `cacheTTL`.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    let database: PostgresConnection
    let limiter: RateLimiter
    let cacheTTL: Duration
    private let cache = KeyCache()

    init(database: PostgresConnection, limiter: RateLimiter, cacheTTL: Duration) {
        self.database = database
        self.limiter = limiter
        self.cacheTTL = cacheTTL
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let key = Self.key(in: request) else { throw GatewayError.unauthorized() }
        let owner: APIKeys.Owner
        if let cached = cache.entries.withLock({ $0[key] }), cached.until > .now {
            owner = cached.owner
        } else {
            let found: APIKeys.Owner?
            do {
                found = try await APIKeys.owner(of: key, database: database)
            } catch {
                throw GatewayError.unavailable("the key store (PostgreSQL)")
            }
            guard let found else { throw GatewayError.unauthorized() }
            owner = found
            cache.entries.withLock { $0[key] = (found, .now + cacheTTL) }
        }
        if let wait = limiter.take(owner.keyID) {
            let seconds = max(1, Int(wait.components.seconds) + (wait.components.attoseconds > 0 ? 1 : 0))
            throw GatewayError(
                .tooManyRequests, "rate_limited", "too many requests for this API key: retry after \(seconds) s",
                headers: [.retryAfter: String(seconds)])
        }
        var context = context
        context.owner = owner
        return try await next(request, context)
    }

    static func key(in request: Request) -> String? {
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            return String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        }
        return request.headers[HTTPField.Name("X-API-Key")!]
    }
}

/// Keys checked recently, with the time until which they are trusted.
final class KeyCache: Sendable {
    let entries = Mutex<[String: (owner: APIKeys.Owner, until: ContinuousClock.Instant)]>([:])
}
