import BizflowEvents
import BizflowProtosC
import Crypto
import Foundation
import Hummingbird
import SwiftProtobuf

extension Gateway {
    /// A checked request body: the decoded message and the hash that identifies the request for idempotency.
    struct Body<Message: SwiftProtobuf.Message>: Sendable {
        var message: Message
        var requestHash: String
    }

    /// The body as `Message`: valid JSON (else 400), every field known and of the right type (else 400 listing each
    /// problem), `tenant_id` absent (it comes from the API key).
    func body<Message: SwiftProtobuf.Message>(
        _ request: Request, _ type: Message.Type, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
        forbidden: [String: String] = [:]
    ) async throws -> Body<Message> {
        var request = request
        let buffer = try await request.collectBody(upTo: settings.bodyLimit)
        let bytes = buffer.readableBytesView.isEmpty ? Array("{}".utf8) : Array(buffer.readableBytesView)
        let json: JSONValue
        do {
            json = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw GatewayError(.badRequest, "invalid_json", "the body is not valid JSON: send one JSON object")
        }
        var refused = forbidden
        refused["tenant_id"] = "tenant_id comes from the API key: leave it out"
        let problems = ProtoJSONValidator(forbidden: refused).problems(json, descriptor)
        guard problems.isEmpty else { throw GatewayError.invalid(problems, status: .badRequest) }
        do {
            var options = JSONDecodingOptions()
            options.ignoreUnknownFields = false
            let message = try Message(jsonUTF8Bytes: bytes, options: options)
            let hash = SHA256.hash(data: Array("\(request.method) \(request.uri.path)\n".utf8) + bytes)
            return Body(message: message, requestHash: hash.map { String(format: "%02x", $0) }.joined())
        } catch {
            throw GatewayError(.badRequest, "invalid_body", "the body does not match \(Message.protoMessageName): \(error)")
        }
    }

    /// 422 when any semantic rule failed.
    func require(_ problems: [FieldProblem]) throws {
        guard problems.isEmpty else { throw GatewayError.invalid(problems) }
    }

    /// A path parameter; the router guarantees it is there.
    func parameter(_ context: GatewayContext, _ name: String) throws -> String {
        let value = try context.parameters.require(name)
        guard !value.isEmpty, value.count <= 200 else {
            throw GatewayError(.badRequest, "invalid_path", "\(name) must be 1 to 200 characters")
        }
        return value
    }

    /// Problems with an actor and a reason, which every human command needs for its audit trail.
    static func auditProblems(actor: String, actorField: String, reason: String, reasonField: String) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        if actor.trimmingCharacters(in: .whitespaces).isEmpty { problems.append(FieldProblem(actorField, "is required (who decided)")) }
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { problems.append(FieldProblem(reasonField, "is required (why)")) }
        return problems
    }
}
