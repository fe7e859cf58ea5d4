import BizflowEvents
import BizflowLeads
import BizflowOrders
import Foundation
import Hummingbird
import SwiftProtobuf

extension Gateway {
    static let ingestRoutes: [Route] = [
        Route(
            method: .post, path: "/v1/leads", summary: "Capture a lead (LeadCaptured)", authenticated: true,
            body: "bizflow.leads.v1.LeadCaptured", responses: [202, 400, 401, 413, 422, 429, 503]
        ) { gateway, request, context in try await gateway.captureLead(request, context) },
        Route(
            method: .post, path: "/v1/leads/{id}/engagements", summary: "Record a lead's engagement (LeadEngagement)",
            authenticated: true, body: "bizflow.leads.v1.LeadEngagement", responses: [202, 400, 401, 413, 422, 429, 503]
        ) { gateway, request, context in try await gateway.recordEngagement(request, context) },
        Route(
            method: .post, path: "/v1/leads/{id}/conversion", summary: "Record that a lead became a customer (LeadConverted)",
            authenticated: true, body: "bizflow.leads.v1.LeadConverted", responses: [202, 400, 401, 413, 422, 429, 503]
        ) { gateway, request, context in try await gateway.recordConversion(request, context) },
        Route(
            method: .post, path: "/v1/orders", summary: "Place an order (OrderPlaced)", authenticated: true,
            body: "bizflow.orders.v1.OrderPlaced", responses: [202, 400, 401, 413, 422, 429, 503]
        ) { gateway, request, context in try await gateway.placeOrder(request, context) },
        Route(
            method: .post, path: "/v1/inventory/adjustments", summary: "Adjust or restock inventory (StockAdjusted)",
            authenticated: true, body: "bizflow.inventory.v1.StockAdjusted", responses: [202, 400, 401, 413, 422, 429, 503]
        ) { gateway, request, context in try await gateway.adjustStock(request, context) },
    ]

    func captureLead(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await self.body(request, LeadCaptured.self, ProtoDescriptors.leadCaptured)
        let lead = body.message
        // The scoring tier's own rules: what is accepted here is never dead-lettered there as invalid.
        let problems = LeadValidator.problems(lead).map { FieldProblem($0.field, $0.message) }
        try require(problems)
        return try await publish(request, tenant: tenant, requestHash: body.requestHash, topic: settings.topicPrefix + "leads.captured") {
            eventID in
            var lead = lead
            lead.tenantID = tenant
            if lead.leadID.isEmpty { lead.leadID = "lead-" + eventID.prefix(13) }
            if !lead.hasCapturedAt { lead.capturedAt = Google_Protobuf_Timestamp(date: Date()) }
            return lead
        }
    }

    func recordEngagement(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let tenant = try context.tenant()
        let leadID = try parameter(context, "id")
        let body = try await self.body(
            request, LeadEngagement.self, ProtoDescriptors.leadEngagement,
            forbidden: ["lead_id": "lead_id comes from the path"])
        var problems: [FieldProblem] = []
        if body.message.kind == .unspecified { problems.append(FieldProblem("kind", "is required")) }
        try require(problems)
        return try await publish(request, tenant: tenant, requestHash: body.requestHash, topic: settings.topicPrefix + "leads.engagement") {
            eventID in
            var engagement = body.message
            engagement.tenantID = tenant
            engagement.leadID = leadID
            if engagement.engagementID.isEmpty { engagement.engagementID = eventID }
            if !engagement.hasOccurredAt { engagement.occurredAt = Google_Protobuf_Timestamp(date: Date()) }
            return engagement
        }
    }

    func recordConversion(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let tenant = try context.tenant()
        let leadID = try parameter(context, "id")
        let body = try await self.body(
            request, LeadConverted.self, ProtoDescriptors.leadConverted,
            forbidden: ["lead_id": "lead_id comes from the path", "source": "the gateway sets source"])
        var problems: [FieldProblem] = []
        if body.message.customerID.isEmpty { problems.append(FieldProblem("customer_id", "customer_id is required")) }
        try require(problems)
        return try await publish(request, tenant: tenant, requestHash: body.requestHash, topic: settings.topicPrefix + "leads.engagement") {
            _ in
            var conversion = body.message
            conversion.tenantID = tenant
            conversion.leadID = leadID
            conversion.source = .gateway
            if !conversion.hasConvertedAt { conversion.convertedAt = Google_Protobuf_Timestamp(date: Date()) }
            return conversion
        }
    }

    func placeOrder(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await self.body(request, OrderPlaced.self, ProtoDescriptors.orderPlaced)
        var order = body.message
        let totalGiven = order.total != 0
        if !totalGiven {
            // Left out: the sum of the lines (an overflow is reported by the validator).
            order.total = order.items.reduce(Int64(0)) { $0 &+ Int64($1.quantity) &* $1.unitPrice }
        }
        let problems = OrderValidator.fieldProblems(order, acceptsCurrency: { Currencies.iso4217.contains($0) })
            .filter { totalGiven || $0.field != "total" }  // a total the gateway derived is not the client's mistake
        try require(problems.map { FieldProblem($0.field, $0.message) })
        return try await publish(request, tenant: tenant, requestHash: body.requestHash, topic: settings.topicPrefix + "orders.placed") {
            eventID in
            var order = order
            order.tenantID = tenant
            if order.orderID.isEmpty { order.orderID = "order-" + eventID.prefix(13) }
            if !order.hasPlacedAt { order.placedAt = Google_Protobuf_Timestamp(date: Date()) }
            return order
        }
    }

    func adjustStock(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await self.body(request, StockAdjusted.self, ProtoDescriptors.stockAdjusted)
        let adjustment = body.message
        var problems: [FieldProblem] = []
        if adjustment.sku.isEmpty { problems.append(FieldProblem("sku", "is required")) }
        if adjustment.warehouseID.isEmpty { problems.append(FieldProblem("warehouse_id", "is required")) }
        if adjustment.delta == 0 && adjustment.reorderPoint <= 0 {
            problems.append(FieldProblem("delta", "must not be 0 (unless the adjustment sets a reorder_point)"))
        }
        if adjustment.reorderPoint < 0 { problems.append(FieldProblem("reorder_point", "must not be negative")) }
        try require(problems)
        return try await publish(request, tenant: tenant, requestHash: body.requestHash, topic: settings.topicPrefix + "inventory.stock") {
            eventID in
            var adjustment = adjustment
            adjustment.tenantID = tenant
            if adjustment.adjustmentID.isEmpty { adjustment.adjustmentID = eventID }
            if !adjustment.hasOccurredAt { adjustment.occurredAt = Google_Protobuf_Timestamp(date: Date()) }
            return adjustment
        }
    }
}
