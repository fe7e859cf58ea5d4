import BizflowKafka
import Foundation

extension Tier {
    /// Runs a batch's records and due timers through `engine` on this tier's actor: one hop for the batch, not one per
    /// event. Transient failures wait `retryWait` before their next attempt. The caller then takes `engine.plan()`.
    func process(
        _ batch: [KafkaMessage], engine: inout TierEngine, stages: inout StageTimes,
        retryWait: @Sendable (Duration) async throws -> Void
    ) async throws {
        for message in batch {
            guard var call = stages.time(.read, { engine.begin(message) }) else { continue }
            try await complete(&call, engine: &engine, stages: &stages, retryWait: retryWait)
        }
        for var call in engine.dueTimers() { try await complete(&call, engine: &engine, stages: &stages, retryWait: retryWait) }
    }

    /// Calls this tier with `call` until the engine is done with it.
    private func complete(
        _ call: inout TierCall, engine: inout TierEngine, stages: inout StageTimes,
        retryWait: @Sendable (Duration) async throws -> Void
    ) async throws {
        while true {
            let started = stages.isEnabled ? ContinuousClock.now : nil
            var state = call.state
            let result: Result<[Emit], any Error>
            do {
                switch call.source {
                case .record: result = .success(try await handle(call.input!, state: &state, now: engine.now))
                case .timer(let timer, _): result = .success(try await fire(timer, state: &state, now: engine.now))
                }
            } catch {
                result = .failure(error)
            }
            if let started { stages.add(.handle, since: started) }
            guard let delay = stages.time(.write, { engine.finish(&call, result, state: state) }) else { return }
            try await retryWait(delay)
        }
    }
}
