import Foundation
import Hummingbird

/// An HTTP error answered as JSON: `{"error": {"code", "message", "fields"}}`. Never a stack trace, SQL or values
/// of other tenants.
public struct GatewayError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var fields: [FieldProblem]
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, fields: [FieldProblem] = [], headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = ErrorBody(error: .init(code: code, message: message, fields: fields.isEmpty ? nil : fields))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var headers = self.headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(body))))
    }

    static func unauthorized() -> GatewayError {
        GatewayError(.unauthorized, "unauthorized", "a valid API key is required: send it as `Authorization: Bearer <key>`")
    }

    static func notFound(_ what: String) -> GatewayError {
        GatewayError(.notFound, "not_found", "\(what) was not found")
    }

    static func invalid(_ fields: [FieldProblem], status: HTTPResponse.Status = .unprocessableContent) -> GatewayError {
        GatewayError(
            status, status == .badRequest ? "invalid_body" : "validation_failed",
            "the request body has \(fields.count) problem\(fields.count == 1 ? "" : "s"): see fields", fields: fields)
    }

    static func unavailable(_ what: String) -> GatewayError {
        GatewayError(.serviceUnavailable, "unavailable", "\(what) is not reachable right now: retry later")
    }
}

/// The JSON shape of every error answer.
private struct ErrorBody: Encodable {
    struct Detail: Encodable {
        var code: String
        var message: String
        var fields: [FieldProblem]?
    }
    var error: Detail
}
