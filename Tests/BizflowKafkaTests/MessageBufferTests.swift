@testable import BizflowKafka
import Foundation
import Synchronization
import Testing

@Suite("Consumer hand-off buffer")
struct MessageBufferTests {
    static func record(_ offset: Int64) -> KafkaMessage {
        KafkaMessage(topic: "t", partition: 0, offset: offset, key: nil, value: [1], headers: [], timestampMs: -1)
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
}
