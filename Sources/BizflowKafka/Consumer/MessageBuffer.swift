import Synchronization

/// The bounded hand-off from the consumer's poll thread to Swift. When it holds `capacity` records the poll
/// thread pauses the partitions; when the reader has taken it down to half, it asks for a resume.
final class MessageBuffer: Sendable {
    private struct State {
        var items: [KafkaMessage] = []
        var head = 0
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false
        var paused = false
        var resumeRequested = false
        var count: Int { items.count - head }
    }
    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var count: Int { state.withLock { $0.count } }
    var room: Int { state.withLock { capacity - $0.count } }
    var isPaused: Bool { state.withLock { $0.paused } }

    /// Appends a polled batch; returns true when the caller should pause fetching.
    func append(_ batch: [KafkaMessage]) -> Bool {
        guard !batch.isEmpty else { return false }
        let (waiter, pause): (CheckedContinuation<Void, Never>?, Bool) = state.withLock { state in
            state.items.append(contentsOf: batch)
            let pause = !state.paused && state.count >= capacity
            if pause { state.paused = true }
            defer { state.waiter = nil }
            return (state.waiter, pause)
        }
        waiter?.resume()
        return pause
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
                    if state.paused && state.count <= capacity / 2 { state.resumeRequested = true }
                    return batch
                }
                return state.finished ? [] : nil
            }
            if let batch { return batch }
            if let deadline, ContinuousClock.now >= deadline { return [] }
            let alarm = deadline.map { deadline in
                Task { [weak self] in
                    try? await Task.sleep(until: deadline)
                    self?.wakeReader()
                }
            }
            defer { alarm?.cancel() }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let resumeNow = state.withLock { state in
                        if state.count > 0 || state.finished || Task.isCancelled { return true }
                        state.waiter = continuation
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

    /// Wakes a waiting reader without records (its timeout passed).
    private func wakeReader() {
        state.withLock { state in
            defer { state.waiter = nil }
            return state.waiter
        }?.resume()
    }

    /// Consumed by the poll thread: true once after the reader drained the buffer below half while paused.
    func takeResumeRequest() -> Bool {
        state.withLock { state in
            guard state.resumeRequested else { return false }
            state.resumeRequested = false
            state.paused = false
            return true
        }
    }

    /// Drops records of partitions this consumer no longer reads from (revoked, or seeked elsewhere).
    func purge(_ partitions: Set<TopicPartition>) {
        guard !partitions.isEmpty else { return }
        state.withLock { state in
            state.items = state.items[state.head...].filter { !partitions.contains($0.topicPartition) }
            state.head = 0
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
