import BizflowKafka

/// What a batch did, for the shell's metrics and log lines: the engine counts, the shell reports.
struct EngineCounts: Sendable {
    var consumed = 0
    var duplicates = 0
    var retries = 0
    var timersFired = 0
    var expiredEntries = 0
    /// Nanoseconds from each event's `ce_time` to the batch's time.
    var latencies: [Int64] = []
    var deadLetters: [DeadLetterNote] = []
    /// Timers whose handler failed for good: dropped, with why.
    var droppedTimers: [(id: String, error: String)] = []
}

/// A dead-lettered record and why, for the warning the shell logs.
struct DeadLetterNote: Sendable {
    var message: KafkaMessage
    var errorClass: String
    var reason: String
}
