import Foundation

/// A tier's domain logic: an actor handed one decoded event at a time with its partition's state. It returns the
/// events to emit and changes `state`; the runtime owns Kafka, transactions, retries and dead-lettering.
public protocol Tier: Actor {
    /// Handles one input event. Throw `TierError.invalid` for bad input (dead-lettered at once) and
    /// `TierError.transient` for failures worth retrying.
    func handle(_ input: InboundEvent, state: inout TierState, now: Date) async throws -> [Emit]

    /// Handles a durable timer that came due.
    func fire(_ timer: DurableTimer, state: inout TierState, now: Date) async throws -> [Emit]

    /// Whether an entry may be forgotten once its key has gone `TierSettings.stateTTL` without a change: true for
    /// settled work (a closed assignment, a decided case), never for live work or totals (stock, workload).
    nonisolated func mayExpire(store: String, value: [UInt8]) -> Bool

    /// Topics every process of the tier reads whole, from the beginning, outside its consumer group and its
    /// transactions: configuration that every partition needs, such as published models (`global(_:)` gets them).
    nonisolated var globalTopics: [String] { get }

    /// An event of a global topic (in topic order; again from the beginning after a restart). Not part of any batch:
    /// it changes what later batches do, never the state. An error says why the event was ignored (logged, skipped).
    func global(_ input: InboundEvent) async throws
}

extension Tier {
    public func fire(_ timer: DurableTimer, state: inout TierState, now: Date) async throws -> [Emit] { [] }

    public nonisolated func mayExpire(store: String, value: [UInt8]) -> Bool { false }

    public nonisolated var globalTopics: [String] { [] }

    public func global(_ input: InboundEvent) async throws {}
}
