import CRdKafka

/// The one place that turns librdkafka's return values into `KafkaError`s.
package enum RdKafka {
    /// Throws when `err` is not `NO_ERROR`.
    package static func check(_ err: rd_kafka_resp_err_t, _ operation: @autoclosure () -> String) throws(KafkaError) {
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return }
        throw KafkaError(
            code: KafkaErrorCode(err), operation: operation(), reason: String(cString: rd_kafka_err2str(err)))
    }

    /// Throws (and frees) an `rd_kafka_error_t`, keeping its retriable/fatal/abort classification.
    package static func check(_ error: OpaquePointer?, _ operation: @autoclosure () -> String) throws(KafkaError) {
        guard let error else { return }
        defer { rd_kafka_error_destroy(error) }
        throw KafkaError(
            code: KafkaErrorCode(rd_kafka_error_code(error)), operation: operation(),
            reason: String(cString: rd_kafka_error_string(error)),
            isRetriable: rd_kafka_error_is_retriable(error) != 0,
            isFatal: rd_kafka_error_is_fatal(error) != 0,
            requiresAbort: rd_kafka_error_txn_requires_abort(error) != 0)
    }

    /// The text librdkafka wrote into an error buffer (up to its NUL).
    package static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Reads the client's fatal error, if it has one (idempotent and transactional producers).
    package static func fatalError(_ rk: OpaquePointer) -> KafkaError? {
        var buffer = [CChar](repeating: 0, count: 512)
        let err = rd_kafka_fatal_error(rk, &buffer, buffer.count)
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError(
            code: KafkaErrorCode(err), operation: "client", reason: text(buffer), isRetriable: false,
            isFatal: true)
    }
}
