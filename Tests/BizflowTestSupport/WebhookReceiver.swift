import BizflowHTTP
import FlyingFox
import Foundation

/// A local HTTP endpoint standing in for a webhook receiver (message provider, carrier API): it checks signatures,
/// records every request, and answers from a script (e.g. 500 for the first try of each key, then 200). A 200
/// carries `{"tracking_number": "TRK-<idempotency key>"}`, as a carrier's label API would.
public actor WebhookReceiver {
    public struct Received: Sendable {
        public var key: String
        public var signatureValid: Bool
        public var status: Int
        public var body: [String: String]
    }

    private let server: HTTPServer
    private let signer: WebhookSigner
    private let failuresPerKey: Int
    private let failStatus: Int
    private var received: [Received] = []
    private var task: Task<Void, Error>?

    /// `failuresPerKey` requests of each idempotency key get `failStatus` before one succeeds.
    public init(secret: String, failuresPerKey: Int = 0, failStatus: Int = 500) {
        server = HTTPServer(port: 0, logger: .disabled)
        signer = WebhookSigner(secret: secret)
        self.failuresPerKey = failuresPerKey
        self.failStatus = failStatus
    }

    /// Starts listening on loopback and returns the URL of `path`.
    public func start(path: String = "/deliveries") async throws -> String {
        await server.appendRoute(HTTPRoute(stringLiteral: "POST \(path)")) { [weak self] request in
            guard let self else { return FlyingFox.HTTPResponse(statusCode: .serviceUnavailable) }
            let body = try await request.bodyData
            let status = await self.record(
                key: request.headers[HTTPHeader("Idempotency-Key")] ?? "",
                signature: request.headers[HTTPHeader(WebhookSigner.header)] ?? "", body: Array(body))
            let key = request.headers[HTTPHeader("Idempotency-Key")] ?? ""
            let answer = status == 200 ? Data(#"{"tracking_number":"TRK-\#(key)"}"#.utf8) : Data()
            return FlyingFox.HTTPResponse(statusCode: HTTPStatusCode(status, phrase: "scripted"), body: answer)
        }
        let server = self.server
        task = Task { try await server.run() }
        try await server.waitUntilListening()
        switch await server.listeningAddress {
        case .ip4(_, let port): return "http://127.0.0.1:\(port)\(path)"
        case .ip6(_, let port): return "http://[::1]:\(port)\(path)"
        default: throw URLError(.cannotConnectToHost)
        }
    }

    public func stop() async {
        await server.stop(timeout: 1)
        task?.cancel()
    }

    private func record(key: String, signature: String, body: [UInt8]) -> Int {
        let tries = received.filter { $0.key == key }.count
        let status = tries < failuresPerKey ? failStatus : 200
        let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        received.append(
            Received(
                key: key, signatureValid: signer.verify(signature, body: body), status: status,
                body: json.mapValues { "\($0)" }))
        return status
    }

    public var all: [Received] { received }
    /// The first success of each idempotency key: what a provider that honours `Idempotency-Key` acts on.
    public var successes: [Received] {
        var seen = Set<String>()
        return received.filter { $0.status == 200 && seen.insert($0.key).inserted }
    }
    /// Requests repeated after their key had succeeded (a retry after a timeout or a crash): answered 200, not acted on.
    public var replays: [Received] {
        var seen = Set<String>()
        return received.filter { $0.status == 200 && !seen.insert($0.key).inserted }
    }
}
