import Dispatch
import Synchronization

/// The bounded hand-off from the consumer's poll thread to Swift. When it holds `capacity` records the poll
/// thread stops taking records from librdkafka (whose own prefetch limit then stops fetching) and waits for room.
/// Pausing partitions instead would cost up to a second per cycle: librdkafka 2.0 only notices a resume on its
/// broker thread's next periodic wake-up.
final class MessageBuffer: Sendable {
    private struct State {
        var items: [KafkaMessage] = []
        var head = 0
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false
        var pollerWaiting = false
        /// A timeout wake-up that found no waiter.
        var wakePending = false
        /// How many times a reader began waiting (tests check a wait is one wait, not a spin).
        var parks = 0
        /// The highest offset appended per partition: what the reader can have seen. (Not librdkafka's consume
        /// position: that also counts records the poll thread holds but has not appended, which a rewind must drop.)
        var lastAppended: [TopicPartition: Int64] = [:]
        /// Partitions rewound by a seek: records above this offset still come from the old read position and are
        /// dropped until the first record at or below it (the re-read) arrives.
        var stale: [TopicPartition: Int64] = [:]
        var count: Int { items.count - head }

        /// Notes each partition's last offset in a batch: one write per run of a partition (a polled batch comes
        /// in runs per partition), not one per record.
        mutating func noteLastOffsets(_ batch: [KafkaMessage]) {
            var previous: KafkaMessage?
            for message in batch {
                if let last = previous, last.partition != message.partition || last.topic != message.topic {
                    lastAppended[last.topicPartition] = last.offset
                }
                previous = message
            }
            if let last = previous { lastAppended[last.topicPartition] = last.offset }
        }
    }
    private let state = Mutex(State())
    private let roomMade = DispatchSemaphore(value: 0)
    let capacity: Int
    /// Runs after a take arms its timeout and before it waits (tests use it to lose the core there).
    private let beforeWaiting: (@Sendable () -> Void)?

    init(capacity: Int, beforeWaiting: (@Sendable () -> Void)? = nil) {
        self.capacity = max(1, capacity)
        self.beforeWaiting = beforeWaiting
    }

    var count: Int { state.withLock { $0.count } }
    var parks: Int { state.withLock { $0.parks } }
    var room: Int { state.withLock { capacity - $0.count } }
    var isFull: Bool { state.withLock { $0.count >= capacity } }

    /// Appends a polled batch (less what a rewind made stale).
    func append(_ batch: [KafkaMessage]) {
        guard !batch.isEmpty else { return }
        state.withLock { state in
            if state.stale.isEmpty {
                state.items.append(contentsOf: batch)
                state.noteLastOffsets(batch)
            } else {
                // Only what is kept counts as appended: a dropped record of the old position was never seen.
                var kept: [KafkaMessage] = []
                kept.reserveCapacity(batch.count)
                for message in batch {
                    let tp = message.topicPartition
                    if let limit = state.stale[tp] {
                        if message.offset > limit { continue }
                        state.stale[tp] = nil
                    }
                    kept.append(message)
                }
                state.items.append(contentsOf: kept)
                state.noteLastOffsets(kept)
            }
            defer { state.waiter = nil }
            return state.waiter
        }?.resume()
    }

    /// Blocks the poll thread until the reader makes room or `timeout` passes; true when there is room.
    func waitForRoom(timeout: Duration) -> Bool {
        let full = state.withLock { state in
            state.pollerWaiting = state.count >= capacity && !state.finished
            return state.pollerWaiting
        }
        guard full else { return true }
        _ = roomMade.wait(timeout: .now() + .milliseconds(Int(timeout.milliseconds)))
        return state.withLock { state in
            state.pollerWaiting = false
            return state.count < capacity
        }
    }

    /// Takes up to `max` records, waiting for at least one (or until `timeout` passes); returns [] once finished
    /// or timed out.
    func take(max: Int, timeout: Duration? = nil) async throws -> [KafkaMessage] {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        while true {
            try Task.checkCancellation()
            let batch: [KafkaMessage]? = state.withLock { state in
                if state.count > 0 {
                    let end = min(state.items.count, state.head + max)
                    let batch = Array(state.items[state.head..<end])
                    state.head = end
                    if state.head == state.items.count {
                        state.items.removeAll(keepingCapacity: true)
                        state.head = 0
                    } else if state.head > 4096 && state.head * 2 > state.items.count {
                        state.items.removeFirst(state.head)
                        state.head = 0
                    }
                    wakePollerIfRoom(&state)
                    return batch
                }
                return state.finished ? [] : nil
            }
            if let batch { return batch }
            if let deadline, ContinuousClock.now >= deadline { return [] }
            let alarm = deadline.map { deadline in
                Task { [weak self] in
                    // Cancelled: the take ended otherwise. Waking then would cut the next take's wait short, whose
                    // own cancelled alarm would do the same: a reader spinning through its timeouts.
                    guard (try? await Task.sleep(until: deadline)) != nil else { return }
                    self?.wakeReader()
                }
            }
            defer { alarm?.cancel() }
            beforeWaiting?()
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let resumeNow = state.withLock { state in
                        if state.count > 0 || state.finished || Task.isCancelled { return true }
                        // An alarm that fired before this waiter was in place (the reader lost its core after arming
                        // it) left its wake-up here; without it the reader would wait for the next record.
                        if state.wakePending {
                            state.wakePending = false
                            return true
                        }
                        state.waiter = continuation
                        state.parks += 1
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                state.withLock { state in
                    defer { state.waiter = nil }
                    return state.waiter
                }?.resume()
            }
        }
    }

    /// Wakes a waiting reader without records (its timeout passed), or leaves the wake-up for the reader that is
    /// about to wait. A stale one (its take already returned) costs the next take one more look, nothing else.
    private func wakeReader() {
        state.withLock { state in
            defer { state.waiter = nil }
            if state.waiter == nil { state.wakePending = true }
            return state.waiter
        }?.resume()
    }

    /// Drops records of partitions this consumer no longer reads from (revoked).
    func purge(_ partitions: Set<TopicPartition>) {
        guard !partitions.isEmpty else { return }
        state.withLock { state in
            for tp in partitions {
                state.lastAppended[tp] = nil
                state.stale[tp] = nil
            }
            drop(partitions, &state)
        }
    }

    /// Before a seek to `targets`: drops the partitions' buffered records, and the records of the old read position
    /// still on their way (polled before the seek, appended after it: above the highest offset appended), until the
    /// re-read begins. Called before the seek, so no re-read record can be dropped; `forgetRewind` undoes it when the
    /// seek fails.
    func rewind(_ targets: [TopicPartitionOffset]) {
        state.withLock { state in
            for target in targets {
                let tp = target.topicPartition
                // A target past everything appended re-reads nothing: old and new records are then the same ones.
                if let last = state.lastAppended[tp], target.offset < 0 || target.offset <= last {
                    state.stale[tp] = last
                }
            }
            drop(Set(targets.map(\.topicPartition)), &state)
        }
    }

    /// Stops dropping records of partitions whose seek failed.
    func forgetRewind(_ partitions: [TopicPartition]) {
        state.withLock { state in
            for tp in partitions { state.stale[tp] = nil }
        }
    }

    private func drop(_ partitions: Set<TopicPartition>, _ state: inout State) {
        state.items = state.items[state.head...].filter { !partitions.contains($0.topicPartition) }
        state.head = 0
        wakePollerIfRoom(&state)
    }

    /// Wakes a poller waiting for room once there is some (called under the lock).
    private func wakePollerIfRoom(_ state: inout State) {
        if state.pollerWaiting && state.count < capacity {
            state.pollerWaiting = false
            roomMade.signal()
        }
    }

    /// No more records will come; wakes the reader.
    func finish() {
        state.withLock { state in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }?.resume()
    }
}
