import BizflowEmbeddedBroker
import BizflowKafka
import Foundation
import Logging

/// A logger that only shows warnings and errors, so test output stays readable.
public func testLogger(_ label: String = "test") -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .warning
    return logger
}

/// A topic name no other test uses.
public func uniqueTopic(_ prefix: String = "t") -> String { "\(prefix).\(UUID().uuidString.prefix(8).lowercased())" }

/// Consumer settings that rebalance quickly on the embedded broker.
public func consumerConfig(_ broker: EmbeddedBroker, group: String, topics: [String]) -> KafkaConsumer.Configuration {
    var config = KafkaConsumer.Configuration(kafka: broker.kafkaConfig, groupID: group, topics: topics)
    config.properties = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "300"]
    return config
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
public func eventually(
    timeout: Duration = .seconds(20), _ condition: @Sendable () async throws -> Bool
) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// Reads until `count` records arrived (or the timeout passed) and returns them; `source` names them in a timeout.
public func consume(
    _ consumer: KafkaConsumer, count: Int, timeout: Duration = .seconds(30), source: String = "the consumer"
) async throws -> [KafkaMessage] {
    let arrived = Recorder<Int>()
    return try await withThrowingTaskGroup(of: [KafkaMessage].self) { group in
        group.addTask {
            var received: [KafkaMessage] = []
            while received.count < count {
                let batch = try await consumer.nextBatch(max: 1000)
                if batch.isEmpty { break }
                received += batch
                arrived.append(batch.count)
            }
            return received
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw TimeoutError(awaited: "\(count) records from \(source) in \(timeout)", got: arrived.all.reduce(0, +))
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// A wait that ran out, saying what it waited for and how far it got (so a failed CI run shows which step).
public struct TimeoutError: Error, CustomStringConvertible {
    public var awaited = "a condition"
    public var got = 0
    public init(awaited: String = "a condition", got: Int = 0) {
        self.awaited = awaited
        self.got = got
    }
    public var description: String { "timed out waiting for \(awaited): \(got) arrived" }
}

/// A thread-safe list, for recording what hooks saw.
public final class Recorder<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Element] = []
    public init() {}
    public func append(_ item: Element) { lock.withLock { items.append(item) } }
    public var all: [Element] { lock.withLock { items } }
}

/// Records on a topic, read from the beginning by a fresh group until `count` arrived.
public func read(_ broker: EmbeddedBroker, topic: String, count: Int, timeout: Duration = .seconds(30)) async throws
    -> [KafkaMessage]
{
    let consumer = try KafkaConsumer(
        configuration: consumerConfig(broker, group: "reader-\(UUID())", topics: [topic]), logger: testLogger())
    defer { Task { await consumer.close() } }
    return try await consume(consumer, count: count, timeout: timeout, source: topic)
}

/// Runs a program to completion on a thread of its own (posix_spawn + waitpid: no run loop involved) and returns
/// its exit status.
public func runProgram(_ path: String, _ arguments: [String]) async -> Int32 {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread {
            var pid: pid_t = 0
            let argv = ([path] + arguments).map { strdup($0) } + [nil]
            defer { for pointer in argv { free(pointer) } }
            guard posix_spawn(&pid, path, nil, nil, argv, environ) == 0 else {
                continuation.resume(returning: -1)
                return
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            continuation.resume(returning: (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f))
        }
    }
}
