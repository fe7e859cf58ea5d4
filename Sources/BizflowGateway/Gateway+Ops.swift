import BizflowKafka
import Foundation
import Hummingbird
import Logging

/// Liveness, readiness, metrics and the API description: no API key needed.
extension Gateway {
    static let opsRoutes: [Route] = [
        Route(method: .get, path: "/healthz", summary: "Alive", authenticated: false, body: nil, responses: [200]) { _, _, _ in
            json(#"{"status":"ok"}"#)
        },
        Route(
            method: .get, path: "/readyz", summary: "Kafka and PostgreSQL reachable", authenticated: false, body: nil,
            responses: [200, 503]
        ) { gateway, _, _ in await gateway.readiness() },
        Route(
            method: .get, path: "/metrics", summary: "Prometheus metrics", authenticated: false, body: nil, responses: [200]
        ) { gateway, _, _ in gateway.metrics() },
        Route(
            method: .get, path: "/openapi.yaml", summary: "This API as an OpenAPI 3 document", authenticated: false, body: nil,
            responses: [200]
        ) { _, _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml(Gateway.routes))))
        },
    ]

    func readiness() async -> Response {
        async let postgres: Bool = (try? await database.query("SELECT 1 AS ok").count == 1) ?? false
        async let kafka: Bool = kafkaReachable()
        let (pg, kf) = await (postgres, kafka)
        let body = #"{"kafka":"\#(kf ? "ok" : "unreachable")","postgres":"\#(pg ? "ok" : "unreachable")"}"#
        return Self.json(body, status: pg && kf ? .ok : .serviceUnavailable)
    }

    private func kafkaReachable() async -> Bool {
        guard let admin = try? KafkaAdmin(config: kafka, logger: logger, timeout: .seconds(2)) else { return false }
        return (try? await admin.listTopics()) != nil
    }

    func metrics() -> Response {
        let text = registry?.emitToString() ?? ""
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Turns unexpected errors into a JSON 500 that says nothing internal (the details go to the log), and Hummingbird's
/// own errors (413, 404, …) into the same JSON shape as the gateway's.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = GatewayContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as GatewayError {
            throw error
        } catch let error as any HTTPResponseError {
            // Hummingbird's and NIO's own (a body over the limit, an unknown route, …), in the gateway's shape.
            let status = error.status
            let code = status == .contentTooLarge ? "body_too_large" : status == .notFound ? "not_found" : "http_error"
            let message =
                status == .contentTooLarge
                ? "the body is larger than this gateway accepts"
                : ((error as? HTTPError)?.body ?? status.reasonPhrase)
            throw GatewayError(status, code, message)
        } catch {
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            throw GatewayError(.internalServerError, "internal", "the request failed on our side; it is logged, please retry")
        }
    }
}
