import CRdKafka
import Dispatch
import Foundation
import Logging
import Metrics

/// One librdkafka producer instance and the dedicated thread that serves its delivery reports.
/// A transactional producer replaces its instance when it must be re-initialised.
final class ProducerInstance: @unchecked Sendable {
    let handle: ClientHandle
    let tracker = DeliveryTracker()
    private let mainQueue: OpaquePointer
    private let stopFlag = LockedValue(false)
    private let stopped = DispatchSemaphore(value: 0)
    private let delivered: Counter
    private let failed: Counter
    private let statistics: StatisticsRecorder

    var rk: OpaquePointer { handle.rk }

    init(conf: OpaquePointer, logger: Logger, metricsLabel: String) throws(KafkaError) {
        rd_kafka_conf_set_events(conf, Int32(RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR | RD_KAFKA_EVENT_STATS))
        handle = try ClientHandle(type: RD_KAFKA_PRODUCER, conf: conf, logger: logger)
        mainQueue = rd_kafka_queue_get_main(handle.rk)
        delivered = Counter(label: "bizflow_kafka_produced_total", dimensions: [("client", metricsLabel)])
        failed = Counter(label: "bizflow_kafka_produce_failures_total", dimensions: [("client", metricsLabel)])
        statistics = StatisticsRecorder(client: metricsLabel)
        PollThread.start("bz:producer") { [self] in pollLoop() }
    }

    /// Hands one record to librdkafka; `waiter` (if any) is resumed from the delivery report.
    func enqueue(_ message: ProducerMessage, waiter: DeliveryWaiter?) -> rd_kafka_resp_err_t {
        var headers: OpaquePointer?
        if !message.headers.isEmpty {
            headers = rd_kafka_headers_new(message.headers.count)
            // withCString, not a String passed as `const char *`: that conversion allocates for short strings.
            for header in message.headers {
                header.key.withCString { name in
                    header.withValueBytes { value in
                        guard let value else {
                            _ = rd_kafka_header_add(headers, name, -1, nil, 0)  // a null value
                            return
                        }
                        // An empty value is not a null one: it needs a pointer even with nothing behind it.
                        withUnsafeBytes(of: UInt8(0)) { empty in
                            _ = rd_kafka_header_add(headers, name, -1, value.baseAddress ?? empty.baseAddress, value.count)
                        }
                    }
                }
            }
        }
        let opaque = waiter.map { Unmanaged.passRetained($0).toOpaque() }
        tracker.enqueued()
        let err = message.topic.withCString { topic in
            message.value.withUnsafeBytes { value in
                withKeyBytes(message.key) { keyPointer, keyCount in
                    bz_produce(
                        rk, topic, message.partition ?? -1, keyPointer, keyCount,
                        message.isTombstone ? nil : value.baseAddress, message.isTombstone ? 0 : value.count,
                        headers, message.timestampMs ?? 0, opaque)
                }
            }
        }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            tracker.delivered(failure: nil)
            if let headers { rd_kafka_headers_destroy(headers) }
            if let opaque { Unmanaged<DeliveryWaiter>.fromOpaque(opaque).release() }
        }
        return err
    }

    /// Hands records to librdkafka from `index` on, advancing it past each one taken, until one is refused (its
    /// error is returned). Synchronous, so the records are borrowed rather than copied into an async frame.
    func enqueueAll(_ messages: [ProducerMessage], from index: inout Int) -> rd_kafka_resp_err_t {
        while index < messages.endIndex {
            let err = enqueue(messages[index], waiter: nil)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { return err }
            index += 1
        }
        return RD_KAFKA_RESP_ERR_NO_ERROR
    }

    private func withKeyBytes<R>(_ key: [UInt8]?, _ body: (UnsafeRawPointer?, Int) -> R) -> R {
        guard let key else { return body(nil, 0) }
        return key.withUnsafeBytes { body($0.baseAddress, $0.count) }
    }

    private func pollLoop() {
        while !stopFlag.value {
            if let event = rd_kafka_queue_poll(mainQueue, 100) { handle(event) }
            handle.drainLogs()
        }
        while let event = rd_kafka_queue_poll(mainQueue, 0) { handle(event) }
        stopped.signal()
    }

    private func handle(_ event: OpaquePointer) {
        defer { rd_kafka_event_destroy(event) }
        switch rd_kafka_event_type(event) {
        case Int32(RD_KAFKA_EVENT_DR):
            while let message = rd_kafka_event_message_next(event) { report(message) }
        case Int32(RD_KAFKA_EVENT_ERROR):
            let code = KafkaErrorCode(rd_kafka_event_error(event))
            let reason = String(cString: rd_kafka_event_error_string(event))
            if rd_kafka_event_error_is_fatal(event) != 0 {
                handle.logger.error("producer fatal error", metadata: ["code": "\(code)", "reason": "\(reason)"])
            } else {
                handle.logger.warning("producer error", metadata: ["code": "\(code)", "reason": "\(reason)"])
            }
        case Int32(RD_KAFKA_EVENT_STATS):
            if let json = rd_kafka_event_stats(event) { statistics.record(json: json, length: strlen(json)) }
        default:
            break
        }
    }

    private func report(_ message: UnsafePointer<rd_kafka_message_t>) {
        let err = message.pointee.err
        let failure: KafkaError? =
            err == RD_KAFKA_RESP_ERR_NO_ERROR
            ? nil
            : KafkaError(
                code: KafkaErrorCode(err), operation: "deliver record",
                reason: String(cString: rd_kafka_err2str(err)))
        if let opaque = message.pointee._private {
            let waiter = Unmanaged<DeliveryWaiter>.fromOpaque(opaque).takeRetainedValue()
            if let failure {
                waiter.complete(.failure(failure))
            } else {
                waiter.complete(
                    .success(
                        DeliveryReport(
                            topic: String(cString: rd_kafka_topic_name(message.pointee.rkt)),
                            partition: message.pointee.partition, offset: message.pointee.offset)))
            }
            tracker.delivered(failure: nil)
        } else {
            tracker.delivered(failure: failure)
        }
        if failure == nil { delivered.increment() } else { failed.increment() }
    }

    /// Drops queued and in-flight records (their reports fail with a purge error), then stops the poll thread.
    /// Called from a blocking queue.
    func shutDown(flushTimeoutMs: Int32?) {
        if let flushTimeoutMs {
            if rd_kafka_flush(rk, flushTimeoutMs) != RD_KAFKA_RESP_ERR_NO_ERROR {
                handle.logger.warning("producer closed with undelivered records; they are reported as failed")
            }
        }
        rd_kafka_purge(rk, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
        // Purged records report asynchronously through the poll thread; let it serve them before it stops.
        let deadline = DispatchTime.now() + .seconds(5)
        while tracker.inFlight > 0 && DispatchTime.now() < deadline { usleep(2_000) }
        stopFlag.value = true
        stopped.wait()
        rd_kafka_queue_destroy(mainQueue)
    }
}
