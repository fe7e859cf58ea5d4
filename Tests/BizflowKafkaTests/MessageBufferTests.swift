@testable import BizflowKafka
import Foundation
import Synchronization
import Testing

@Suite("Consumer hand-off buffer")
struct MessageBufferTests {
    static func record(_ offset: Int64, partition: Int32 = 0) -> KafkaMessage {
        KafkaMessage(topic: "t", partition: partition, offset: offset, key: nil, value: [1], headers: [], timestampMs: -1)
    }

    static func records(_ offsets: ClosedRange<Int64>, partition: Int32 = 0) -> [KafkaMessage] {
        offsets.map { record($0, partition: partition) }
    }

    /// A reader that loses its core between arming its timeout and waiting (a loaded machine) must still be woken by
    /// that timeout. A lost one left a lingering batch (records already taken) waiting for the next record to arrive:
    /// a minute in the bench, forever at the end of a stream.
    @Test("a timeout that fires before the reader waits still ends the wait, without waiting for the next record")
    func timeoutBeforeWaitingIsKept() async throws {
        // The hook holds the reader's thread past its timeout, so the alarm always fires before the wait begins.
        let buffer = MessageBuffer(capacity: 10, beforeWaiting: { usleep(20_000) })
        let finished = Mutex(false)
        // Only a lost timeout keeps a take waiting: these records then end it, and the test fails on them.
        let rescue = Task {
            while !finished.withLock({ $0 }) {
                try await Task.sleep(for: .seconds(5))
                buffer.append([Self.record(99)])
            }
        }
        var rescued = 0
        for _ in 0..<3 {
            rescued += try await buffer.take(max: 10, timeout: .milliseconds(1)).count
        }
        finished.withLock { $0 = true }
        rescue.cancel()
        #expect(rescued == 0, "every take returned by its own timeout")
    }

    /// Each take's alarm is cancelled when records end its wait. A cancelled alarm that still woke the reader cut the
    /// next take's wait short, and that take's cancelled alarm the one after: stages spun through their idle waits
    /// (the bench pipeline saturated at ~700 leads/s instead of ~4,000).
    @Test("a take ended by records leaves no wake-up behind: the next take waits once for its whole timeout")
    func cancelledAlarmsDoNotWake() async throws {
        let buffer = MessageBuffer(capacity: 10)
        for round in 0..<20 {
            let reader = Task { try await buffer.take(max: 1, timeout: .seconds(10)) }
            while buffer.parks <= round { await Task.yield() }  // the reader waits
            buffer.append([Self.record(Int64(round))])
            #expect(try await reader.value.count == 1)
        }
        let before = buffer.parks
        let clock = ContinuousClock()
        let started = clock.now
        #expect(try await buffer.take(max: 1, timeout: .milliseconds(300)).isEmpty)
        #expect(clock.now - started >= .milliseconds(300))
        #expect(buffer.parks - before <= 2, "one wait (two if a late alarm of an earlier take got in), not a spin")
    }

    @Test("records appended while a reader waits are handed over at once, up to max, in order")
    func handOver() async throws {
        let buffer = MessageBuffer(capacity: 10)
        let reader = Task { try await buffer.take(max: 2) }
        buffer.append([Self.record(0), Self.record(1), Self.record(2)])
        let first = try await reader.value
        #expect(first.map(\.offset) == [0, 1])
        #expect(try await buffer.take(max: 5, timeout: .seconds(5)).map(\.offset) == [2])
    }

    @Test("a full buffer makes the poller wait until the reader takes records")
    func pollerWaitsForRoom() async throws {
        let buffer = MessageBuffer(capacity: 2)
        buffer.append([Self.record(0), Self.record(1)])
        #expect(buffer.waitForRoom(timeout: .milliseconds(1)) == false)
        _ = try await buffer.take(max: 1)
        #expect(buffer.waitForRoom(timeout: .milliseconds(1)))
    }

    /// A rollback seeks a partition back. Records of the old position can still arrive after the seek (polled before
    /// it); taken for new ones, they would move the reader past the re-read and lose it.
    @Test("after a rewind, records of the old position are dropped until the re-read begins; other partitions flow")
    func rewindDropsTheOldPosition() async throws {
        let buffer = MessageBuffer(capacity: 100)
        buffer.append(Self.records(0...7) + Self.records(0...1, partition: 1))
        _ = try await buffer.take(max: 6)  // the reader processed 0...5 of partition 0; 6, 7 and partition 1 wait
        buffer.rewind([TopicPartitionOffset(TopicPartition("t", 0), offset: 3)])
        buffer.append(Self.records(8...9))  // polled before the seek: the old position
        buffer.append(Self.records(3...9) + Self.records(2...2, partition: 1))  // the re-read, and partition 1 going on
        let next = try await buffer.take(max: 100, timeout: .seconds(5))
        #expect(next.filter { $0.partition == 0 }.map(\.offset) == Array(3...9))
        #expect(next.filter { $0.partition == 1 }.map(\.offset) == [0, 1, 2])
    }

    @Test("records the poll thread held during a rewind (polled, not yet appended) never pass for the re-read")
    func rewindWithRecordsInFlight() async throws {
        // The reader took 0...5 (its batch failed: it rolls back to 3); 6...9 were buffered; the poll thread held
        // 10...14 (librdkafka's position already past them) and appends them after the rewind. Taken for the re-read,
        // they would move the reader past 3...9, which it would then skip: a gap.
        let buffer = try await Self.rolledBackToThree()
        buffer.append(Self.records(10...14))  // in flight: the old position
        buffer.append(Self.records(3...14))  // the re-read
        let next = try await buffer.take(max: 100, timeout: .seconds(5))
        #expect(next.map(\.offset) == Array(3...14))
        // Rolled back again before the second re-read began: records dropped as stale never raise the bound.
        let again = try await Self.rolledBackToThree()
        again.append(Self.records(10...14))  // dropped: the old position
        again.rewind([TopicPartitionOffset(TopicPartition("t", 0), offset: 3)])
        again.append(Self.records(10...12))  // still the old position, still dropped
        again.append(Self.records(3...12))
        #expect(try await again.take(max: 100, timeout: .seconds(5)).map(\.offset) == Array(3...12))
    }

    /// A buffer of 0...9 whose reader took 0...5 and rolled back to 3.
    static func rolledBackToThree() async throws -> MessageBuffer {
        let buffer = MessageBuffer(capacity: 100)
        buffer.append(records(0...9))
        _ = try await buffer.take(max: 6)
        buffer.rewind([TopicPartitionOffset(TopicPartition("t", 0), offset: 3)])
        return buffer
    }

    @Test("a rewind to past everything appended drops nothing that follows; a revoked partition starts afresh")
    func rewindEdges() async throws {
        let buffer = MessageBuffer(capacity: 100)
        buffer.append(Self.records(0...4))
        _ = try await buffer.take(max: 5)
        buffer.rewind([TopicPartitionOffset(TopicPartition("t", 0), offset: 5)])
        buffer.append(Self.records(5...6))
        #expect(try await buffer.take(max: 10, timeout: .seconds(5)).map(\.offset) == [5, 6])
        buffer.rewind([TopicPartitionOffset(TopicPartition("t", 0), offset: 2)])
        buffer.purge([TopicPartition("t", 0)])  // revoked, then assigned again at a later committed offset
        buffer.append(Self.records(9...10))
        #expect(try await buffer.take(max: 10, timeout: .seconds(5)).map(\.offset) == [9, 10])
    }
}
