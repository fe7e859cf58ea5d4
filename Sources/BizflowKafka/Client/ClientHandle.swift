import CRdKafka
import Foundation
import Logging

/// Owns one `rd_kafka_t` and its log queue; librdkafka's logs reach swift-log through that queue.
package final class ClientHandle: @unchecked Sendable {
    package let rk: OpaquePointer
    let logQueue: OpaquePointer
    let logger: Logger
    private var pump: LogPump?

    /// Takes ownership of `conf` (librdkafka frees it on success; this frees it on failure).
    package init(type: rd_kafka_type_t, conf: OpaquePointer, logger: Logger) throws(KafkaError) {
        var errstr = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            throw .local("create Kafka client", RdKafka.text(errstr))
        }
        self.rk = rk
        self.logQueue = rd_kafka_queue_new(rk)
        self.logger = logger
        rd_kafka_set_log_queue(rk, logQueue)
    }

    /// Serves the log queue on a dedicated thread, for clients that have no poll loop of their own.
    package func startLogPump(name: String) {
        // The thread holds only the pump, never this handle, so the handle can still be released.
        let pump = LogPump(queue: logQueue, logger: logger)
        self.pump = pump
        pump.start(name: name)
    }

    /// Forwards pending log lines without blocking.
    package func drainLogs() {
        while let event = rd_kafka_queue_poll(logQueue, 0) { Self.handle(event, logger: logger) }
    }

    static func handle(_ event: OpaquePointer, logger: Logger) {
        defer { rd_kafka_event_destroy(event) }
        switch rd_kafka_event_type(event) {
        case RD_KAFKA_EVENT_LOG:
            var facility: UnsafePointer<CChar>?
            var text: UnsafePointer<CChar>?
            var severity: Int32 = 0
            guard rd_kafka_event_log(event, &facility, &text, &severity) == 0 else { return }
            let message = Logger.Message(stringLiteral: text.map { String(cString: $0) } ?? "")
            let metadata: Logger.Metadata = ["librdkafka": .string(facility.map { String(cString: $0) } ?? "")]
            logger.log(level: Self.level(fromSyslog: severity), message, metadata: metadata)
        case RD_KAFKA_EVENT_ERROR:
            logger.warning(
                "librdkafka error", metadata: ["reason": .string(String(cString: rd_kafka_event_error_string(event)))])
        default:
            break
        }
    }

    static func level(fromSyslog level: Int32) -> Logger.Level {
        switch level {
        case ...3: return .error
        case 4: return .warning
        case 5: return .notice
        case 6: return .info
        default: return .debug
        }
    }

    deinit {
        pump?.stop()
        drainLogs()
        rd_kafka_queue_destroy(logQueue)
        rd_kafka_destroy(rk)
    }
}
