import Foundation
import Metrics

/// Turns librdkafka's statistics JSON (emitted every `statistics.interval.ms`) into swift-metrics gauges.
struct StatisticsRecorder: Sendable {
    /// Top-level counters worth watching: queue depth, bytes and records in flight, totals sent and received.
    static let fields = ["msg_cnt", "msg_size", "replyq", "tx", "tx_bytes", "rx", "rx_bytes", "txmsgs", "rxmsgs"]
    let client: String

    /// Records the fields it knows; returns how many it recorded (0 when the JSON is unreadable).
    @discardableResult
    func record(json: UnsafePointer<CChar>, length: Int) -> Int {
        let data = Data(bytes: json, count: length)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return 0 }
        var recorded = 0
        for field in Self.fields {
            guard let value = object[field] as? NSNumber else { continue }
            Gauge(label: "bizflow_kafka_\(field)", dimensions: [("client", client)]).record(value.doubleValue)
            recorded += 1
        }
        return recorded
    }
}
