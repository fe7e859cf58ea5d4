import CRdKafka

/// A failure in the Kafka layer: what failed, librdkafka's code, and what the user can do about it.
public struct KafkaError: Error, CustomStringConvertible, Sendable, Equatable {
    /// librdkafka's error code (negative values are client-side errors, positive ones come from the broker).
    public let code: KafkaErrorCode
    /// The operation that failed, e.g. "commit transaction".
    public let operation: String
    /// librdkafka's or Bizflow's explanation.
    public let reason: String
    /// Retrying the same call may succeed.
    public let isRetriable: Bool
    /// The client instance is unusable and must be recreated.
    public let isFatal: Bool
    /// The current transaction must be aborted before the producer can continue.
    public let requiresAbort: Bool

    public init(
        code: KafkaErrorCode, operation: String, reason: String,
        isRetriable: Bool? = nil, isFatal: Bool = false, requiresAbort: Bool = false
    ) {
        self.code = code
        self.operation = operation
        self.reason = reason
        self.isRetriable = isRetriable ?? code.isTransient
        self.isFatal = isFatal
        self.requiresAbort = requiresAbort
    }

    public var description: String {
        var text = "\(operation) failed: \(reason) (\(code.name))"
        if let hint = code.hint { text += ". \(hint)" }
        return text
    }
}

extension KafkaError {
    /// A local error that did not come from librdkafka (bad configuration, closed client, …).
    package static func local(_ operation: String, _ reason: String, code: KafkaErrorCode = .invalidArgument) -> KafkaError {
        KafkaError(code: code, operation: operation, reason: reason, isRetriable: false)
    }

    /// The client was closed before or during the call.
    static func closed(_ operation: String) -> KafkaError {
        KafkaError(
            code: .destroy, operation: operation, reason: "the client is closed; create a new one", isRetriable: false)
    }
}
