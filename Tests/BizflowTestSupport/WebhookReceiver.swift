import BizflowHTTP
import Foundation
import HTTPTypes
import Hummingbird
import Logging

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

    private let signer: WebhookSigner
    private let failuresPerKey: Int
    private let failStatus: Int
    private var received: [Received] = []
    private var task: Task<Void, Error>?

    /// `failuresPerKey` requests of each idempotency key get `failStatus` before one succeeds.
    public init(secret: String, failuresPerKey: Int = 0, failStatus: Int = 500) {
        signer = WebhookSigner(secret: secret)
        self.failuresPerKey = failuresPerKey
        self.failStatus = failStatus
    }

    /// Starts listening on loopback (Hummingbird, as the gateway) and returns the URL of `path`.
    public func start(path: String = "/deliveries") async throws -> String {
        let router = Router()
        router.post(RouterPath(path)) { [weak self] request, _ -> Response in
            guard let self else { return Response(status: .serviceUnavailable) }
            let key = request.headers[HTTPField.Name("Idempotency-Key")!] ?? ""
            let body = try await request.body.collect(upTo: 1 << 20)
            let status = await self.record(
                key: key, signature: request.headers[HTTPField.Name(WebhookSigner.header)!] ?? "", body: Array(buffer: body))
            let answer = status == 200 ? #"{"tracking_number":"TRK-\#(key)"}"# : ""
            return Response(
                status: HTTPResponse.Status(code: status, reasonPhrase: "scripted"),
                body: ResponseBody(byteBuffer: ByteBuffer(string: answer)))
        }
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "test.webhook-receiver")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "webhook-receiver"),
            onServerRunning: { channel in
                portSink.yield(channel.localAddress?.port ?? 0)
                portSink.finish()
            }, logger: logger)
        task = Task { try await app.runService() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw URLError(.cannotConnectToHost) }
        return "http://127.0.0.1:\(port)\(path)"
    }

    public func stop() async {
        task?.cancel()
        _ = try? await task?.value
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
