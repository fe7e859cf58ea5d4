import BizflowPostgres
import BizflowProjector
import BizflowWorkload
import Foundation

/// The analytics of a demo run: the reports as terminal tables, and one HTML page with SVG charts (no external
/// assets, so it opens anywhere).
struct DemoReport: Sendable {
    /// Report name → its rows.
    var reports: [(name: String, rows: PostgresRows)] = []

    static let shown = [
        "funnel", "conversion", "reps", "campaigns", "orders", "fraud", "backorders", "fulfilment", "revenue", "attribution",
        "first-orders",
    ]

    static func collect(database: PostgresConnection, tenant: String) async throws -> DemoReport {
        var report = DemoReport()
        for name in shown {
            guard let definition = Analytics.report(named: name) else { continue }
            report.reports.append((name, try await Analytics.run(definition, tenant: tenant, database: database)))
        }
        return report
    }

    func rows(_ name: String) -> PostgresRows { reports.first { $0.name == name }?.rows ?? PostgresRows() }

    func printTables() {
        for (name, rows) in reports {
            let summary = Analytics.report(named: name)?.summary ?? name
            print("\n■ \(name): \(summary)")
            let cells = rows.rows.prefix(12).map { $0.map { $0 ?? "" } }
            print(TextTable.render([rows.columns] + cells))
            if rows.count > 12 { print("… \(rows.count - 12) more rows (bizflow analytics \(name) --tenant acme)") }
        }
    }

    /// Sums a numeric column over all rows, grouped by a label column.
    private func totals(_ report: String, label: String, value: String) -> [(String, Double)] {
        let data = rows(report)
        var sums: [String: Double] = [:]
        var order: [String] = []
        for index in 0..<data.count {
            let key = data.value(index, label) ?? "—"
            if sums[key] == nil { order.append(key) }
            sums[key, default: 0] += data.double(index, value) ?? 0
        }
        return order.map { ($0, sums[$0]!) }
    }

    func html(plan: WorkloadPlan, outcome: DemoOutcome) -> String {
        let funnel = ["captured", "scored", "assigned", "engaged", "converted"].map { column in
            (column, (0..<rows("funnel").count).reduce(0.0) { $0 + (rows("funnel").double($1, column) ?? 0) })
        }
        let fraud = ["approved", "reviewed", "rejected"].map { column in
            (column, (0..<rows("fraud").count).reduce(0.0) { $0 + (rows("fraud").double($1, column) ?? 0) })
        }
        let latency = rows("fulfilment")
        let percentiles = ["ship_p50", "ship_p90", "transit_p50", "deliver_p50", "deliver_p99"].map {
            ($0.replacingOccurrences(of: "_", with: " "), latency.double(0, $0) ?? 0)
        }
        let charts = [
            Chart(title: "Lead funnel", unit: "leads", bars: funnel),
            Chart(title: "Leads by source", unit: "leads", bars: totals("conversion", label: "source", value: "leads")),
            Chart(title: "Open leads per rep (workload)", unit: "leads", bars: totals("reps", label: "rep_id", value: "open")),
            Chart(title: "Nurture messages sent per campaign", unit: "messages", bars: totals("campaigns", label: "campaign", value: "sent")),
            Chart(title: "Orders by status", unit: "orders", bars: totals("orders", label: "status", value: "orders")),
            Chart(title: "Fraud decisions by the rules", unit: "orders", bars: fraud),
            Chart(title: "Fulfilment latency (hours of simulated time)", unit: "h", bars: percentiles),
            Chart(title: "Revenue per day, net of refunds (EUR)", unit: "EUR", bars: totals("revenue", label: "day", value: "net").map { ($0.0, $0.1 / 100) }),
            Chart(title: "Revenue by lead source (EUR)", unit: "EUR", bars: totals("attribution", label: "source", value: "revenue").map { ($0.0, $0.1 / 100) }),
            Chart(title: "Revenue by first-touch campaign (EUR)", unit: "EUR", bars: totals("attribution", label: "first_touch", value: "revenue").map { ($0.0, $0.1 / 100) }),
        ]
        let facts = [
            ("seed", "\(plan.seed)"), ("leads", "\(outcome.leads)"), ("orders", "\(plan.orders.count)"),
            ("nurture messages", "\(outcome.nurtureMessages) (\(outcome.deliveredMessages) delivered)"),
            ("low-stock alerts", "\(outcome.lowStockAlerts)"), ("escalated reviews", "\(outcome.escalatedReviews)"),
        ]
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Bizflow demo report</title>
            <style>
            body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 760px; color: #222; }
            h1 { font-size: 22px; } h2 { font-size: 16px; margin: 1.6em 0 .4em; }
            table { border-collapse: collapse; } td { padding: 2px 12px 2px 0; }
            svg text { font: 12px system-ui, sans-serif; fill: #333; }
            </style></head><body>
            <h1>Bizflow demo report</h1>
            <p>Generated \(Date().formatted(.iso8601)) from the read models in PostgreSQL (tenant acme).</p>
            <table>\(facts.map { "<tr><td>\(escape($0.0))</td><td><b>\(escape($0.1))</b></td></tr>" }.joined())</table>
            \(charts.map(\.svg).joined(separator: "\n"))
            </body></html>
            """
    }
}

/// A horizontal bar chart as inline SVG.
struct Chart {
    var title: String
    var unit: String
    var bars: [(String, Double)]

    var svg: String {
        let rowHeight = 22
        let labelWidth = 190
        let plotWidth = 440
        let height = max(1, bars.count) * rowHeight + 10
        let maximum = max(bars.map(\.1).max() ?? 0, 1)
        let colours = ["#3b6ea8", "#5b8fc8", "#7aa6d6", "#e08a3c", "#c95b4a", "#6aa36f", "#8e6bbf", "#b0a04a"]
        var body = ""
        for (index, bar) in bars.enumerated() {
            let y = 5 + index * rowHeight
            let width = Int(Double(plotWidth) * bar.1 / maximum)
            let value = bar.1.rounded() == bar.1 ? String(Int(bar.1)) : String(format: "%.2f", bar.1)
            body += """
                <text x="\(labelWidth - 8)" y="\(y + 15)" text-anchor="end">\(escape(bar.0))</text>\
                <rect x="\(labelWidth)" y="\(y + 3)" width="\(max(1, width))" height="\(rowHeight - 6)" fill="\(colours[index % colours.count])"/>\
                <text x="\(labelWidth + width + 6)" y="\(y + 15)">\(value)</text>
                """
        }
        if bars.isEmpty { body = #"<text x="10" y="18">no data</text>"# }
        return """
            <h2>\(escape(title))</h2>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(labelWidth + plotWidth + 80)" height="\(height)" role="img" aria-label="\(escape(title)) in \(escape(unit))">\(body)</svg>
            """
    }
}

/// Text made safe for HTML.
func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
