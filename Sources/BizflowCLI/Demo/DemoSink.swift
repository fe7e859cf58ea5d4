import Foundation
import Hummingbird
import Logging
import Synchronization

/// A local webhook receiver: the messaging provider of nurture deliveries and customer notifications for the demo
/// (answers 200 to every POST) and, flaky, for the chaos suite: the first attempt of every message fails, the
/// second is slow, and the messages of "dead" leads always fail.
package final class DemoSink: Sendable {
    /// How the sink answers.
    package enum Behaviour: Sendable {
        case accept
        /// 503 first, then 200 after `slow`; always 500 for leads `dead` picks.
        case flaky(slow: Duration, dead: @Sendable (String) -> Bool)
    }

    package let behaviour: Behaviour
    package let counts = Mutex<[String: Int]>([:])
    package let port = Mutex<Int?>(nil)
    /// Attempts per Idempotency-Key.
    package let attempts = Mutex<[String: Int]>([:])
    /// Message ids answered 200, per lead.
    package let delivered = Mutex<[String: Set<String>]>([:])
    /// The lead of every message attempted (by Idempotency-Key).
    package let leadOfKey = Mutex<[String: String]>([:])

    package init(_ behaviour: Behaviour = .accept) { self.behaviour = behaviour }

    package func application(logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        router.post(":kind") { [self] request, context -> HTTPResponse.Status in
            let kind = context.parameters.get("kind") ?? "other"
            guard case .flaky(let slow, let dead) = behaviour else {
                counts.withLock { $0[kind, default: 0] += 1 }
                return .ok
            }
            let key = request.headers[.init("Idempotency-Key")!] ?? ""
            let body = try await request.body.collect(upTo: 1 << 20)
            let lead = (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])?["lead_id"] as? String ?? ""
            if !lead.isEmpty { leadOfKey.withLock { $0[key] = lead } }
            let attempt = attempts.withLock { attempts in
                attempts[key, default: 0] += 1
                return attempts[key]!
            }
            if !lead.isEmpty && dead(lead) { return .internalServerError }
            if attempt == 1 { return .serviceUnavailable }
            try await Task.sleep(for: slow)
            counts.withLock { $0[kind, default: 0] += 1 }
            if !lead.isEmpty { delivered.withLock { _ = $0[lead, default: []].insert(key) } }
            return .ok
        }
        return Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "bizflow-demo-sink"),
            onServerRunning: { [self] channel in port.withLock { $0 = channel.localAddress?.port } }, logger: logger)
    }

    /// Waits until the sink listens; its base URL.
    package func url() async throws -> String {
        while port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
        return "http://127.0.0.1:\(port.withLock { $0 }!)"
    }
}
