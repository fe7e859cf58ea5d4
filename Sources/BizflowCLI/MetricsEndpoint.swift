import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus

/// `/metrics` (Prometheus text format) and `/healthz` for processes without the gateway: tiers and the projector,
/// so Prometheus (and KEDA, Grafana) can scrape every pod.
enum MetricsEndpoint {
    /// Sends every metric of this process to a Prometheus registry (once per process).
    static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }

    static func application(registry: PrometheusCollectorRegistry, host: String, port: Int, logger: Logger)
        -> some ApplicationProtocol
    {
        let router = Router()
        router.get("/metrics") { _, _ in registry.emitToString() }
        router.get("/healthz") { _, _ in "ok" }
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "bizflow"),
            onServerRunning: { channel in
                logger.notice("metrics on http://\(host):\(channel.localAddress?.port ?? port)/metrics")
            },
            logger: logger)
    }
}
