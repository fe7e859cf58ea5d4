import Foundation
import Hummingbird
import Logging
import Synchronization

/// A local webhook receiver for the demo: the messaging provider of nurture deliveries and customer notifications.
/// Answers 200 to every POST and counts what it got.
final class DemoSink: Sendable {
    let counts = Mutex<[String: Int]>([:])
    let port = Mutex<Int?>(nil)

    func application(logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        router.post(":kind") { [self] request, context -> HTTPResponse.Status in
            let kind = context.parameters.get("kind") ?? "other"
            counts.withLock { $0[kind, default: 0] += 1 }
            return .ok
        }
        return Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "bizflow-demo-sink"),
            onServerRunning: { [self] channel in port.withLock { $0 = channel.localAddress?.port } }, logger: logger)
    }

    /// Waits until the sink listens; its base URL.
    func url() async throws -> String {
        while port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
        return "http://127.0.0.1:\(port.withLock { $0 }!)"
    }
}
