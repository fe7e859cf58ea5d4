import BizflowEvents
import BizflowProtosC
import Foundation
import Hummingbird
import SwiftProtobuf

/// Human decisions (HITL): each names who decided and why, and becomes a command event (the audit trail).
extension Gateway {
    static let commandRoutes: [Route] = [
        Route(
            method: .post, path: "/v1/leads/{id}/score-override", summary: "Override a lead's score (ScoreOverride)",
            authenticated: true, body: "bizflow.commands.v1.ScoreOverride", responses: [202, 400, 401, 422, 429, 503]
        ) { gateway, request, context in try await gateway.overrideScore(request, context) },
        Route(
            method: .post, path: "/v1/leads/{id}/reassign", summary: "Reassign a lead to a rep (ReassignLead)",
            authenticated: true, body: "bizflow.commands.v1.ReassignLead", responses: [202, 400, 401, 422, 429, 503]
        ) { gateway, request, context in try await gateway.reassignLead(request, context) },
        Route(
            method: .post, path: "/v1/orders/{id}/review", summary: "Decide a fraud review (ReviewDecision)",
            authenticated: true, body: "bizflow.commands.v1.ReviewDecision", responses: [202, 400, 401, 422, 429, 503]
        ) { gateway, request, context in try await gateway.reviewOrder(request, context) },
        Route(
            method: .post, path: "/v1/orders/{id}/cancel", summary: "Cancel an order (CancelOrder)", authenticated: true,
            body: "bizflow.commands.v1.CancelOrder", responses: [202, 400, 401, 422, 429, 503]
        ) { gateway, request, context in try await gateway.cancelOrder(request, context) },
    ]

    private var leadCommands: String { settings.topicPrefix + "leads.commands" }
    private var orderCommands: String { settings.topicPrefix + "orders.commands" }

    /// The shape every command shares: the subject's id from the path (never the body), the tenant from the key,
    /// `check` for its own rules (an actor and a reason at least), and `fill` to stamp ids and times.
    private func command<Command: DomainEvent>(
        _ request: Request, _ context: GatewayContext, _ type: Command.Type,
        _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>, subject: String, topic: String,
        check: (Command) -> [FieldProblem], fill: @escaping (inout Command, _ tenant: String, _ subject: String, _ eventID: String) -> Void
    ) async throws -> Response {
        let tenant = try context.tenant()
        let subjectID = try parameter(context, "id")
        let body = try await self.body(request, type, descriptor, forbidden: [subject: "\(subject) comes from the path"])
        try require(check(body.message))
        return try await publish(request, tenant: tenant, requestHash: body.requestHash, topic: topic) { eventID in
            var command = body.message
            fill(&command, tenant, subjectID, eventID)
            return command
        }
    }

    func overrideScore(_ request: Request, _ context: GatewayContext) async throws -> Response {
        try await command(
            request, context, ScoreOverride.self, ProtoDescriptors.scoreOverride, subject: "lead_id", topic: leadCommands,
            check: { command in
                var problems = Self.auditProblems(actor: command.actor, actorField: "actor", reason: command.reason, reasonField: "reason")
                if !(0...100).contains(command.score) { problems.append(FieldProblem("score", "must be between 0 and 100")) }
                if !["", "hot", "warm", "cold", "disqualified"].contains(command.band) {
                    problems.append(FieldProblem("band", "must be hot, warm, cold or disqualified (or left out)"))
                }
                return problems
            },
            fill: { command, tenant, lead, eventID in
                (command.tenantID, command.leadID) = (tenant, lead)
                if command.commandID.isEmpty { command.commandID = eventID }
                if !command.hasRequestedAt { command.requestedAt = Google_Protobuf_Timestamp(date: Date()) }
            })
    }

    func reassignLead(_ request: Request, _ context: GatewayContext) async throws -> Response {
        try await command(
            request, context, ReassignLead.self, ProtoDescriptors.reassignLead, subject: "lead_id", topic: leadCommands,
            check: { command in
                var problems = Self.auditProblems(actor: command.actor, actorField: "actor", reason: command.reason, reasonField: "reason")
                if command.repID.isEmpty { problems.append(FieldProblem("rep_id", "is required")) }
                return problems
            },
            fill: { command, tenant, lead, eventID in
                (command.tenantID, command.leadID) = (tenant, lead)
                if command.commandID.isEmpty { command.commandID = eventID }
                if !command.hasRequestedAt { command.requestedAt = Google_Protobuf_Timestamp(date: Date()) }
            })
    }

    func reviewOrder(_ request: Request, _ context: GatewayContext) async throws -> Response {
        try await command(
            request, context, ReviewDecision.self, ProtoDescriptors.reviewDecision, subject: "order_id", topic: orderCommands,
            check: { command in
                var problems = Self.auditProblems(actor: command.reviewer, actorField: "reviewer", reason: command.note, reasonField: "note")
                if command.decision != .approve && command.decision != .reject {
                    problems.append(FieldProblem("decision", "must be DECISION_APPROVE or DECISION_REJECT"))
                }
                return problems
            },
            fill: { command, tenant, order, eventID in
                (command.tenantID, command.orderID) = (tenant, order)
                if command.commandID.isEmpty { command.commandID = eventID }
                if !command.hasDecidedAt { command.decidedAt = Google_Protobuf_Timestamp(date: Date()) }
            })
    }

    func cancelOrder(_ request: Request, _ context: GatewayContext) async throws -> Response {
        try await command(
            request, context, CancelOrder.self, ProtoDescriptors.cancelOrder, subject: "order_id", topic: orderCommands,
            check: { Self.auditProblems(actor: $0.actor, actorField: "actor", reason: $0.reason, reasonField: "reason") },
            fill: { command, tenant, order, eventID in
                (command.tenantID, command.orderID) = (tenant, order)
                if command.commandID.isEmpty { command.commandID = eventID }
                if !command.hasRequestedAt { command.requestedAt = Google_Protobuf_Timestamp(date: Date()) }
            })
    }
}
