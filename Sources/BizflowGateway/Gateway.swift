import BizflowKafka
import BizflowPostgres
import Foundation
import Hummingbird
import Logging
import Prometheus

/// The HTTP gateway: event ingestion, HITL commands, reads over the projections, metrics and health. The tenant of
/// every /v1 request comes from its API key.
public struct Gateway: Sendable {
    public struct Settings: Sendable {
        public var host = "127.0.0.1"
        public var port = 8080
        /// Request bodies over this many bytes get 413.
        public var bodyLimit = 64 * 1024
        /// Requests per second per API key (and the burst allowed above it).
        public var ratePerKey: Double = 200
        public var burstPerKey: Double = 400
        /// How long a checked API key is trusted without asking PostgreSQL again (a revocation's delay).
        public var keyCacheTTL: Duration = .seconds(5)
        /// How long a request waits for Kafka's delivery report before answering 503.
        public var deliveryTimeout: Duration = .seconds(10)
        /// Prefix of every topic (as for the tiers).
        public var topicPrefix = ""

        public init() {}
    }

    /// One route: what the router serves and what the OpenAPI document describes, from one table.
    struct Route: Sendable {
        var method: HTTPRequest.Method
        /// OpenAPI form: `/v1/leads/{id}`.
        var path: String
        var summary: String
        var authenticated: Bool
        /// The message the body is (proto3 JSON), if any.
        var body: String?
        var responses: [Int]
        var handler: @Sendable (Gateway, Request, GatewayContext) async throws -> Response
    }

    let settings: Settings
    let producer: KafkaProducer
    let database: PostgresConnection
    let kafka: KafkaConfig
    let registry: PrometheusCollectorRegistry?
    let logger: Logger

    public init(
        settings: Settings, producer: KafkaProducer, database: PostgresConnection, kafka: KafkaConfig,
        registry: PrometheusCollectorRegistry?, logger: Logger
    ) {
        self.settings = settings
        self.producer = producer
        self.database = database
        self.kafka = kafka
        self.registry = registry
        self.logger = logger
    }

    /// The router with every route; the middleware authenticates and rate-limits /v1.
    func router() -> Router<GatewayContext> {
        GatewayContext.bodyLimit = settings.bodyLimit
        let router = Router(context: GatewayContext.self)
        router.add(middleware: ErrorMiddleware(logger: logger))
        router.add(middleware: MetricsMiddleware())  // request counts and durations per route, for /metrics
        let auth = AuthMiddleware(
            database: database, limiter: RateLimiter(rate: settings.ratePerKey, burst: settings.burstPerKey),
            cacheTTL: settings.keyCacheTTL)
        let v1 = router.group("v1").add(middleware: auth)
        for route in Self.routes {
            let gateway = self
            let handler: @Sendable (Request, GatewayContext) async throws -> Response = { request, context in
                try await route.handler(gateway, request, context)
            }
            if route.authenticated {
                v1.on(RouterPath(Self.hummingbirdPath(route.path, dropping: "/v1")), method: route.method, use: handler)
            } else {
                router.on(RouterPath(Self.hummingbirdPath(route.path)), method: route.method, use: handler)
            }
        }
        return router
    }

    /// An application serving the gateway; `onRunning` gets the port it listens on (useful with port 0).
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "bizflow"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// `/v1/leads/{id}` → `/leads/:id` (relative to the group when `dropping` its prefix).
    static func hummingbirdPath(_ path: String, dropping prefix: String = "") -> String {
        let relative = path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
        return relative.replacingOccurrences(of: #"\{([a-z_]+)\}"#, with: ":$1", options: .regularExpression)
    }

    static let routes: [Route] = ingestRoutes + commandRoutes + readRoutes + opsRoutes
}
