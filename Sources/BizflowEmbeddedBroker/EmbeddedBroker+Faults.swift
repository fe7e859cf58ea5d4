import BizflowKafka
import CRdKafka

/// Fault injection for tests: take brokers down, fail requests, add latency.
extension EmbeddedBroker {
    /// Disconnects a broker (or all, with nil) and refuses new connections.
    public func setBrokerDown(_ brokerID: Int32? = nil) throws(KafkaError) {
        try RdKafka.check(rd_kafka_mock_broker_set_down(cluster, brokerID ?? -1), "take broker down")
    }

    /// Lets a broker (or all, with nil) accept connections again.
    public func setBrokerUp(_ brokerID: Int32? = nil) throws(KafkaError) {
        try RdKafka.check(rd_kafka_mock_broker_set_up(cluster, brokerID ?? -1), "bring broker up")
    }

    /// Delays every response of a broker (or all) by `milliseconds`.
    public func setRoundTripTime(_ milliseconds: Int, brokerID: Int32? = nil) throws(KafkaError) {
        try RdKafka.check(rd_kafka_mock_broker_set_rtt(cluster, brokerID ?? -1, Int32(milliseconds)), "set latency")
    }

    /// The next `errors.count` requests of this type fail with these codes, in order (any broker).
    public func pushRequestErrors(_ api: KafkaAPIKey, _ errors: [KafkaErrorCode]) {
        let codes = errors.map(\.c)
        codes.withUnsafeBufferPointer {
            rd_kafka_mock_push_request_errors_array(cluster, api.rawValue, $0.count, $0.baseAddress)
        }
    }

    /// The next request of this type to `brokerID` fails with `error` after `delayMs`.
    public func pushBrokerError(
        _ api: KafkaAPIKey, brokerID: Int32, error: KafkaErrorCode, delayMs: Int = 0
    ) throws(KafkaError) {
        try RdKafka.check(
            bz_mock_broker_push_error_rtt(cluster, brokerID, api.rawValue, error.c, Int32(delayMs)),
            "push request error")
    }

    /// Forgets queued request errors of this type.
    public func clearRequestErrors(_ api: KafkaAPIKey) {
        rd_kafka_mock_clear_request_errors(cluster, api.rawValue)
    }
}
