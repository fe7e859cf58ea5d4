import CRdKafka

/// A librdkafka error code (`rd_kafka_resp_err_t`) as a Swift value.
public struct KafkaErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    init(_ err: rd_kafka_resp_err_t) { self.rawValue = err.rawValue }

    package var c: rd_kafka_resp_err_t { rd_kafka_resp_err_t(rawValue: rawValue) }

    /// librdkafka's symbolic name, e.g. `_TRANSPORT` or `NOT_LEADER_OR_FOLLOWER`.
    public var name: String { String(cString: rd_kafka_err2name(c)) }
    public var description: String { name }

    public static let noError = KafkaErrorCode(RD_KAFKA_RESP_ERR_NO_ERROR)
    public static let transport = KafkaErrorCode(RD_KAFKA_RESP_ERR__TRANSPORT)
    public static let allBrokersDown = KafkaErrorCode(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
    public static let timedOut = KafkaErrorCode(RD_KAFKA_RESP_ERR__TIMED_OUT)
    public static let messageTimedOut = KafkaErrorCode(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT)
    public static let queueFull = KafkaErrorCode(RD_KAFKA_RESP_ERR__QUEUE_FULL)
    public static let destroy = KafkaErrorCode(RD_KAFKA_RESP_ERR__DESTROY)
    public static let fatal = KafkaErrorCode(RD_KAFKA_RESP_ERR__FATAL)
    public static let fenced = KafkaErrorCode(RD_KAFKA_RESP_ERR__FENCED)
    public static let purgeQueue = KafkaErrorCode(RD_KAFKA_RESP_ERR__PURGE_QUEUE)
    public static let purgeInflight = KafkaErrorCode(RD_KAFKA_RESP_ERR__PURGE_INFLIGHT)
    public static let invalidArgument = KafkaErrorCode(RD_KAFKA_RESP_ERR__INVALID_ARG)
    public static let unknownTopic = KafkaErrorCode(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC)
    public static let unknownTopicOrPartition = KafkaErrorCode(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
    public static let notLeader = KafkaErrorCode(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION)
    public static let requestTimedOut = KafkaErrorCode(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT)
    public static let notCoordinator = KafkaErrorCode(RD_KAFKA_RESP_ERR_NOT_COORDINATOR)
    public static let coordinatorNotAvailable = KafkaErrorCode(RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE)
    public static let topicAlreadyExists = KafkaErrorCode(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
    public static let producerFenced = KafkaErrorCode(RD_KAFKA_RESP_ERR_PRODUCER_FENCED)
    public static let invalidProducerEpoch = KafkaErrorCode(RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH)
    public static let invalidTxnState = KafkaErrorCode(RD_KAFKA_RESP_ERR_INVALID_TXN_STATE)
    public static let concurrentTransactions = KafkaErrorCode(RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS)
    public static let unsupportedVersion = KafkaErrorCode(RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION)
    public static let invalidRequest = KafkaErrorCode(RD_KAFKA_RESP_ERR_INVALID_REQUEST)
    public static let rebalanceInProgress = KafkaErrorCode(RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS)

    /// Codes that usually clear up by themselves (network, leadership and coordinator moves).
    var isTransient: Bool {
        [.transport, .allBrokersDown, .timedOut, .messageTimedOut, .queueFull, .notLeader, .requestTimedOut,
         .notCoordinator, .coordinatorNotAvailable, .concurrentTransactions, .rebalanceInProgress].contains(self)
    }

    /// Another instance with the same transactional id took over: this one must stop, never re-initialise.
    var isFencing: Bool { [.fenced, .producerFenced, .invalidProducerEpoch].contains(self) }

    /// What a user can do, for the codes where that is clear.
    var hint: String? {
        switch self {
        case .transport, .allBrokersDown, .timedOut, .messageTimedOut, .requestTimedOut:
            return "Is Kafka reachable at the configured bootstrap servers (KAFKA_BOOTSTRAP_SERVERS)? "
                + "Start one with `bizflow broker`"
        case .unknownTopic, .unknownTopicOrPartition:
            return "Create the topic first: `bizflow topology apply`, or start `bizflow broker --topology FILE`"
        case .producerFenced, .fenced, .invalidProducerEpoch:
            return "Another instance with the same transactional id took over; this one must stop"
        case .queueFull:
            return "The producer's local queue is full: produce more slowly or raise queue.buffering.max.messages"
        case .unsupportedVersion:
            return "The broker does not support this request (the embedded broker has no admin API)"
        default:
            return nil
        }
    }
}
