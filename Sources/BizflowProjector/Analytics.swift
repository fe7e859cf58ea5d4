import BizflowPostgres
import Foundation

/// The analytics reports over the views. Every report runs as the `bizflow_analytics` role with the tenant set for
/// its transaction only, so row-level security decides what it sees; the period and the tenant are parameters,
/// never part of the SQL.
public enum Analytics {
    /// A report: its SQL takes `$1` (from, inclusive) and `$2` (until, exclusive) as dates.
    public struct Report: Sendable {
        public var name: String
        public var summary: String
        public var sql: String
    }

    public static let reports: [Report] = [
        Report(
            name: "funnel", summary: "lead funnel by day and source: captured → scored → assigned → engaged → converted",
            sql: """
                SELECT day, source, sum(captured) AS captured, sum(scored) AS scored, sum(assigned) AS assigned,
                       sum(engaged) AS engaged, sum(converted) AS converted
                FROM lead_funnel WHERE day >= $1::date AND day < $2::date GROUP BY day, source ORDER BY day, source
                """),
        Report(
            name: "conversion", summary: "conversion by source and campaign",
            sql: """
                SELECT source, campaign, sum(leads) AS leads, sum(converted) AS converted,
                       round(100.0 * sum(converted) / nullif(sum(leads), 0), 1) AS conversion_pct
                FROM conversion_by_source WHERE day >= $1::date AND day < $2::date
                GROUP BY source, campaign ORDER BY leads DESC, source, campaign
                """),
        Report(
            name: "reps", summary: "rep performance and workload (open leads)",
            sql: """
                SELECT rep_id, sum(assigned) AS assigned, sum(open) AS open, sum(converted) AS converted,
                       round(100.0 * sum(converted) / nullif(sum(assigned), 0), 1) AS conversion_pct,
                       round(avg(average_score), 1) AS average_score
                FROM rep_performance WHERE day >= $1::date AND day < $2::date GROUP BY rep_id ORDER BY assigned DESC, rep_id
                """),
        Report(
            name: "campaigns",
            summary: "campaign effectiveness per campaign and step: sent, delivered, opened, clicked, replied, converted (engagement attributed to the message it names, else the lead's latest)",
            sql: """
                SELECT campaign, step, sum(sent) AS sent, sum(delivered) AS delivered, sum(opened) AS opened,
                       sum(clicked) AS clicked, sum(replied) AS replied, sum(converted) AS converted,
                       round(100.0 * sum(opened) / nullif(sum(delivered), 0), 1) AS open_rate,
                       round(100.0 * sum(clicked) / nullif(sum(delivered), 0), 1) AS click_rate
                FROM campaign_effectiveness WHERE day >= $1::date AND day < $2::date
                GROUP BY campaign, step ORDER BY campaign, step
                """),
        Report(
            name: "orders", summary: "orders by status",
            sql: """
                SELECT status, sum(orders) AS orders, sum(value) AS value
                FROM order_pipeline WHERE day >= $1::date AND day < $2::date
                GROUP BY status ORDER BY bizflow_status_rank(status), status
                """),
        Report(
            name: "fraud", summary: "fraud decisions per day, the fraud rate and the open review backlog",
            sql: """
                SELECT day, sum(assessed) AS assessed, sum(approved) AS approved, sum(reviewed) AS reviewed,
                       sum(rejected) AS rejected,
                       round(100.0 * sum(reviewed + rejected) / nullif(sum(assessed), 0), 1) AS flagged_pct,
                       (SELECT count(*) FROM review_backlog) AS open_reviews
                FROM fraud_overview WHERE day >= $1::date AND day < $2::date GROUP BY day ORDER BY day
                """),
        Report(
            name: "backorders", summary: "open backorders by SKU (the period filters when they started)",
            sql: """
                SELECT sku, orders, units, oldest FROM backorders_by_sku
                WHERE oldest >= $1::date AND oldest < $2::date ORDER BY units DESC, sku
                """),
        Report(
            name: "fulfilment", summary: "fulfilment latency percentiles in hours: placed → shipped → delivered",
            sql: """
                SELECT count(*) AS orders,
                       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY hours_to_ship)::numeric, 2) AS ship_p50,
                       round(percentile_cont(0.9) WITHIN GROUP (ORDER BY hours_to_ship)::numeric, 2) AS ship_p90,
                       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY hours_to_ship)::numeric, 2) AS ship_p99,
                       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY hours_in_transit)::numeric, 2) AS transit_p50,
                       round(percentile_cont(0.9) WITHIN GROUP (ORDER BY hours_in_transit)::numeric, 2) AS transit_p90,
                       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY hours_to_deliver)::numeric, 2) AS deliver_p50,
                       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY hours_to_deliver)::numeric, 2) AS deliver_p99
                FROM fulfilment_latency WHERE day >= $1::date AND day < $2::date
                """),
        Report(
            name: "model",
            summary: "scoring models against the rules on projected outcomes (leads both scored, shadow or blend): AUC and top-decile lift of each",
            sql: """
                WITH ranked AS (
                  SELECT model_version, converted,
                         rank() OVER (PARTITION BY model_version ORDER BY model_score)
                           + (count(*) OVER (PARTITION BY model_version, model_score) - 1) / 2.0 AS model_rank,
                         rank() OVER (PARTITION BY model_version ORDER BY rules_score)
                           + (count(*) OVER (PARTITION BY model_version, rules_score) - 1) / 2.0 AS rules_rank,
                         ntile(10) OVER (PARTITION BY model_version ORDER BY model_score DESC) AS model_decile,
                         ntile(10) OVER (PARTITION BY model_version ORDER BY rules_score DESC) AS rules_decile
                  FROM model_comparison WHERE captured_at >= $1::date AND captured_at < $2::date
                ), totals AS (
                  SELECT model_version, count(*) AS leads, sum(converted::int) AS converted,
                         sum(model_rank) FILTER (WHERE converted) AS model_ranks, sum(rules_rank) FILTER (WHERE converted) AS rules_ranks,
                         avg(converted::int) FILTER (WHERE model_decile = 1) AS model_top, avg(converted::int) FILTER (WHERE rules_decile = 1) AS rules_top,
                         avg(converted::int) AS rate
                  FROM ranked GROUP BY model_version
                )
                SELECT model_version, leads, converted,
                       round(((model_ranks - converted * (converted + 1) / 2.0) / nullif(converted * (leads - converted), 0))::numeric, 3) AS model_auc,
                       round(((rules_ranks - converted * (converted + 1) / 2.0) / nullif(converted * (leads - converted), 0))::numeric, 3) AS rules_auc,
                       round((model_top / nullif(rate, 0))::numeric, 2) AS model_top_decile_lift,
                       round((rules_top / nullif(rate, 0))::numeric, 2) AS rules_top_decile_lift
                FROM totals ORDER BY model_version
                """),
        Report(
            name: "attribution",
            summary: "revenue by lead source, first-touch and last-touch campaign: delivered orders of converted leads' customers, net of refunds, minor units",
            sql: """
                SELECT source, first_touch, last_touch, currency, count(*) AS orders, count(DISTINCT lead_id) AS customers,
                       sum(net) AS revenue
                FROM order_attribution WHERE delivered_at >= $1::date AND delivered_at < $2::date
                GROUP BY source, first_touch, last_touch, currency ORDER BY revenue DESC, source, first_touch, last_touch
                """),
        Report(
            name: "first-orders", summary: "leads whose customers ordered, by source: how many, and days from capture to first order",
            sql: """
                SELECT source, count(*) AS buyers,
                       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY days_to_first_order)::numeric, 1) AS days_p50,
                       round(percentile_cont(0.9) WITHIN GROUP (ORDER BY days_to_first_order)::numeric, 1) AS days_p90
                FROM lead_first_orders WHERE first_order_at >= $1::date AND first_order_at < $2::date
                GROUP BY source ORDER BY buyers DESC, source
                """),
        Report(
            name: "revenue", summary: "revenue per day (delivered orders, net of refunds), minor units",
            sql: """
                SELECT day, currency, sum(orders) AS orders, sum(gross) AS gross, sum(refunded) AS refunded, sum(net) AS net
                FROM revenue_daily WHERE day >= $1::date AND day < $2::date GROUP BY day, currency ORDER BY day, currency
                """),
    ]

    public static func report(named name: String) -> Report? { reports.first { $0.name == name } }

    /// Runs a report for one tenant over [since, until) as the analytics role.
    public static func run(
        _ report: Report, tenant: String, since: String = "1970-01-01", until: String = "9999-12-31",
        database: PostgresConnection
    ) async throws -> PostgresRows {
        try await database.transaction { tx in
            try tx.query("SET LOCAL ROLE bizflow_analytics")
            try tx.query("SELECT set_config('bizflow.tenant_id', $1, true)", [.text(tenant)])
            return try tx.query(report.sql, [.text(since), .text(until)])
        }
    }

    /// Runs any query as the analytics role for one tenant (nil: no tenant at all), for tools and tests.
    public static func query(
        _ sql: String, _ parameters: [PostgresValue] = [], tenant: String?, database: PostgresConnection
    ) async throws -> PostgresRows {
        try await database.transaction { tx in
            try tx.query("SET LOCAL ROLE bizflow_analytics")
            if let tenant { try tx.query("SELECT set_config('bizflow.tenant_id', $1, true)", [.text(tenant)]) }
            return try tx.query(sql, parameters)
        }
    }
}
