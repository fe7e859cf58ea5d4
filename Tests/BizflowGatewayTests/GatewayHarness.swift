import BizflowEmbeddedBroker
import BizflowGateway
import BizflowHTTP
import BizflowKafka
import BizflowPostgres
import BizflowProjector
import BizflowTestSupport
import Foundation
import Logging
import Prometheus
import ServiceLifecycle
import Synchronization

/// A gateway on a free port over an embedded broker (with the topology's topics) and a database of its own,
/// plus a libcurl client to talk to it.
final class GatewayHarness: Sendable {
    let broker: EmbeddedBroker
    let database: TestDatabase
    let producer: KafkaProducer
    let group: ServiceGroup
    let task: Task<Void, Error>
    let port: Int
    let client = HTTPClient()

    init(configure: (inout Gateway.Settings) -> Void = { _ in }) async throws {
        broker = try await brokerWithTopology()
        database = try await TestDatabase.create()
        producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: testLogger())
        var settings = Gateway.Settings()
        settings.port = 0
        settings.keyCacheTTL = .zero
        configure(&settings)
        let gateway = Gateway(
            settings: settings, producer: producer, database: database.connection, kafka: broker.kafkaConfig,
            registry: PrometheusCollectorRegistry(), logger: testLogger())
        let bound = Mutex<Int?>(nil)
        let application = gateway.application { port in bound.withLock { $0 = port } }
        group = ServiceGroup(configuration: .init(services: [application], logger: testLogger()))
        let group = self.group
        task = Task { try await group.run() }
        while bound.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
        port = bound.withLock { $0 }!
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        await producer.close()
        await database.connection.close()
    }

    /// A key for `tenant`.
    func key(_ tenant: String) async throws -> APIKeys.Created {
        try await APIKeys.create(tenant: tenant, name: "test", database: database.connection)
    }

    func request(
        _ method: String, _ path: String, key: String? = nil, body: String? = nil, headers: [(String, String)] = []
    ) async throws -> BizflowHTTP.HTTPResponse {
        var all = headers
        if let key { all.append(("Authorization", "Bearer \(key)")) }
        if body != nil { all.append(("Content-Type", "application/json")) }
        return try await client.send(
            HTTPRequest(
                method: method, url: "http://127.0.0.1:\(port)\(path)", headers: all, body: Array((body ?? "").utf8),
                timeout: .seconds(30)))
    }
}

extension BizflowHTTP.HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
    /// The JSON body as a dictionary (empty when it is not one).
    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    /// The `fields` of an error body: field → problem.
    var fieldProblems: [String: String] {
        let fields = ((object["error"] as? [String: Any])?["fields"] as? [[String: String]]) ?? []
        return Dictionary(fields.map { ($0["field"] ?? "", $0["problem"] ?? "") }) { a, _ in a }
    }
}
