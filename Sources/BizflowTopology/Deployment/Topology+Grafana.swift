import Foundation

extension Topology {
    /// The Prometheus metrics the dashboard charts, by the process that exports them.
    public static let dashboardMetrics: [String: [String]] = [
        "tier": [
            "bizflow_tier_consumed_total", "bizflow_tier_produced_total", "bizflow_tier_dead_lettered_total",
            "bizflow_tier_retries_total", "bizflow_tier_lag", "bizflow_tier_batch_duration_bucket",
            "bizflow_tier_event_latency_bucket", "bizflow_tier_timers_fired_total", "bizflow_tier_expired_entries_total",
        ],
        "projector": [
            "bizflow_projector_events_total", "bizflow_projector_lag", "bizflow_projector_retries_total",
            "bizflow_projector_dead_lettered_total",
        ],
        "gateway": ["hb_requests", "http_server_request_duration_bucket"],
    ]

    /// `ops/grafana/bizflow.json`: a Grafana dashboard over the Prometheus metrics of tiers, projector and gateway,
    /// with a `tier` variable listing the topology's tiers.
    public func grafanaDashboard() -> String {
        var panels: [[String: Any]] = []
        var y = 0
        func panel(_ title: String, _ expressions: [(String, String)], unit: String = "short", width: Int = 12) {
            let x = panels.count % 2 == 1 && width == 12 ? 12 : 0
            panels.append([
                "id": panels.count + 1, "type": "timeseries", "title": title, "datasource": ["type": "prometheus", "uid": "${datasource}"],
                "gridPos": ["h": 8, "w": width, "x": x, "y": y],
                "fieldConfig": ["defaults": ["unit": unit], "overrides": [] as [Any]],
                "targets": expressions.enumerated().map { index, expression in
                    ["refId": String(UnicodeScalar(65 + index)!), "expr": expression.1, "legendFormat": expression.0]
                },
            ])
            if x == 12 || width == 24 { y += 8 }
        }
        let tierFilter = #"tier=~"$tier""#
        panel("Events consumed per second", [("{{tier}}", "sum by (tier) (rate(bizflow_tier_consumed_total{\(tierFilter)}[1m]))")], unit: "ops")
        panel("Events produced per second", [("{{tier}}", "sum by (tier) (rate(bizflow_tier_produced_total{\(tierFilter)}[1m]))")], unit: "ops")
        panel("Consumer lag (records)", [("{{tier}}", "max by (tier) (bizflow_tier_lag{\(tierFilter)})"), ("projector", "max(bizflow_projector_lag)")])
        panel("Dead-lettered per minute", [
            ("{{tier}}", "sum by (tier) (increase(bizflow_tier_dead_lettered_total{\(tierFilter)}[1m]))"),
            ("projector", "sum(increase(bizflow_projector_dead_lettered_total[1m]))"),
        ])
        panel("Batch duration p99 (one transaction)", [("{{tier}}", "histogram_quantile(0.99, sum by (le, tier) (rate(bizflow_tier_batch_duration_bucket{\(tierFilter)}[5m])))")], unit: "s")
        panel("Event latency p99 (event time to processed)", [("{{tier}}", "histogram_quantile(0.99, sum by (le, tier) (rate(bizflow_tier_event_latency_bucket{\(tierFilter)}[5m])))")], unit: "s")
        panel("Retries, timers and expired state entries per minute", [
            ("retries {{tier}}", "sum by (tier) (increase(bizflow_tier_retries_total{\(tierFilter)}[1m]))"),
            ("timers {{tier}}", "sum by (tier) (increase(bizflow_tier_timers_fired_total{\(tierFilter)}[1m]))"),
            ("expired {{tier}}", "sum by (tier) (increase(bizflow_tier_expired_entries_total{\(tierFilter)}[1m]))"),
            ("projector retries", "sum(increase(bizflow_projector_retries_total[1m]))"),
        ])
        panel("Projected events per second", [("projector", "sum(rate(bizflow_projector_events_total[1m]))")], unit: "ops")
        panel("Gateway requests per second", [("{{http_response_status_code}}", "sum by (http_response_status_code) (rate(hb_requests[1m]))")], unit: "reqps")
        panel("Gateway latency p99", [("p99", "histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_bucket[5m])))")], unit: "s")
        let tierNames = tiers.filter { $0.name != "projector" }.map(\.name)
        let dashboard: [String: Any] = [
            "title": "Bizflow", "uid": "bizflow", "schemaVersion": 39, "version": 1, "editable": true,
            "tags": ["bizflow", "kafka"], "time": ["from": "now-1h", "to": "now"], "refresh": "10s",
            "description": DeploymentOptions.header("grafana", comment: "").trimmingCharacters(in: .whitespacesAndNewlines),
            "templating": [
                "list": [
                    ["name": "datasource", "type": "datasource", "query": "prometheus", "label": "Prometheus"],
                    [
                        "name": "tier", "type": "custom", "label": "Tier", "multi": true, "includeAll": true,
                        "query": tierNames.joined(separator: ","),
                        "current": ["text": "All", "value": "$__all"],
                        "options": [] as [Any],
                    ] as [String: Any],
                ]
            ],
            "panels": panels,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: dashboard, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
