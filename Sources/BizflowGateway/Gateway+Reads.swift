import BizflowPostgres
import BizflowProjector
import Foundation
import Hummingbird

/// Reads over the projections, as the analytics role with the key's tenant: row-level security decides what is
/// visible, so another tenant's lead is simply not found (404, no existence leak). PostgreSQL builds the JSON.
extension Gateway {
    static let readRoutes: [Route] = [
        Route(
            method: .get, path: "/v1/leads/{id}", summary: "A lead as projected: scores, band, reasons, rep, stage",
            authenticated: true, body: nil, responses: [200, 401, 404, 429, 503]
        ) { gateway, request, context in try await gateway.readLead(request, context) },
        Route(
            method: .get, path: "/v1/orders/{id}", summary: "An order as projected, with its status timeline and shipments",
            authenticated: true, body: nil, responses: [200, 401, 404, 429, 503]
        ) { gateway, request, context in try await gateway.readOrder(request, context) },
        Route(
            method: .get, path: "/v1/reviews", summary: "The fraud review queue (undecided reviews)", authenticated: true,
            body: nil, responses: [200, 401, 429, 503]
        ) { gateway, request, context in try await gateway.readReviews(request, context) },
        Route(
            method: .get, path: "/v1/analytics/{report}",
            summary: "An analytics report (" + Analytics.reports.map(\.name).joined(separator: ", ") + "); ?since=&until=",
            authenticated: true, body: nil, responses: [200, 400, 401, 404, 429, 503]
        ) { gateway, request, context in try await gateway.readReport(request, context) },
    ]

    func readLead(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let document = try await readDocument(
            "SELECT row_to_json(l)::text AS doc FROM leads l WHERE lead_id = $1", [.text(try parameter(context, "id"))],
            tenant: try context.tenant())
        guard let document else { throw GatewayError.notFound("lead") }
        return Self.json(document)
    }

    func readOrder(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let document = try await readDocument(
            """
            SELECT json_build_object(
              'order', row_to_json(o),
              'timeline', (SELECT coalesce(json_agg(h ORDER BY h.changed_at, h.event_id), '[]'::json) FROM order_status_history h
                           WHERE h.tenant_id = o.tenant_id AND h.order_id = o.order_id),
              'shipments', (SELECT coalesce(json_agg(s ORDER BY s.shipment_id), '[]'::json) FROM shipments s
                            WHERE s.tenant_id = o.tenant_id AND s.order_id = o.order_id))::text AS doc
            FROM orders o WHERE o.order_id = $1
            """, [.text(try parameter(context, "id"))], tenant: try context.tenant())
        guard let document else { throw GatewayError.notFound("order") }
        return Self.json(document)
    }

    func readReviews(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let document = try await readDocument(
            "SELECT coalesce(json_agg(r ORDER BY r.requested_at, r.order_id), '[]'::json)::text AS doc FROM review_backlog r", [],
            tenant: try context.tenant())
        return Self.json(document ?? "[]")
    }

    func readReport(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let name = try parameter(context, "report")
        guard let report = Analytics.report(named: name) else {
            throw GatewayError.notFound("report \(name) (reports: \(Analytics.reports.map(\.name).joined(separator: ", ")))")
        }
        var problems: [FieldProblem] = []
        let since = request.uri.queryParameters.get("since") ?? "1970-01-01"
        let until = request.uri.queryParameters.get("until") ?? "9999-12-31"
        for (field, value) in [("since", since), ("until", until)]
        where (try? Date.ISO8601FormatStyle().year().month().day().parse(value)) == nil {
            problems.append(FieldProblem(field, "must be a date like 2026-11-24"))
        }
        guard problems.isEmpty else { throw GatewayError.invalid(problems, status: .badRequest) }
        let document = try await readDocument(
            "SELECT coalesce(json_agg(r), '[]'::json)::text AS doc FROM (\(report.sql)) r", [.text(since), .text(until)],
            tenant: try context.tenant())
        return Self.json(document ?? "[]")
    }

    /// One JSON document from PostgreSQL as the analytics role; nil when the query found nothing.
    private func readDocument(_ sql: String, _ parameters: [PostgresValue], tenant: String) async throws -> String? {
        do {
            return try await Analytics.query(sql, parameters, tenant: tenant, database: database).value(0, "doc")
        } catch let error as PostgresError {
            logger.warning("read failed", metadata: ["error": "\(error)"])
            throw GatewayError.unavailable("the read models (PostgreSQL)")
        }
    }
}
