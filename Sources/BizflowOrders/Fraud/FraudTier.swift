import BizflowEvents
import BizflowRuntime
import Foundation
import SwiftProtobuf

/// Assesses placed orders: rules over the order, plus velocity per customer, email, card and IP counted exactly
/// across partitions (each signal value is probed on `fraud.signals` keyed by the value, and the counts are joined
/// back per order). Approves, rejects, or queues for human review with an SLA; applies review decisions and
/// cancellations of orders it still holds.
public actor FraudTier: Tier {
    static let cases = "cases"
    static let windows = "windows"
    static let slaTimer = "review-sla"

    let config: FraudConfig
    let rules: FraudRules

    public init(config: FraudConfig) {
        self.config = config
        self.rules = FraudRules(config: config)
    }

    public func handle(_ input: InboundEvent, state: inout TierState, now: Date) async throws -> [Emit] {
        switch input.event {
        case let order as OrderPlaced:
            return try placed(order, envelopeTime: input.envelope.time, state: &state, now: now)
        case let probe as VelocityProbe:
            return [Emit(count(probe, key: input.key, state: &state, now: now))]
        case let count as VelocityCounted:
            return counted(count, state: &state, now: now)
        case let decision as ReviewDecision:
            return try review(decision, state: &state, now: now)
        case let command as CancelOrder:
            return try cancel(command, state: &state, now: now)
        default:
            return []  // other events on the shared topics are for other tiers
        }
    }

    public func fire(_ timer: DurableTimer, state: inout TierState, now: Date) async throws -> [Emit] {
        try slaMissed(timer, state: &state, now: now)
    }

    // MARK: Placed → probes

    private func placed(_ order: OrderPlaced, envelopeTime: Date, state: inout TierState, now: Date) throws -> [Emit] {
        let problems = OrderValidator.problems(order, config: config)
        guard problems.isEmpty else { throw TierError.invalid(problems.joined(separator: "; ")) }
        let key = OrderKey.scoped(order.tenantID, order.orderID)
        var fraudCase = state.value(FraudCase.self, Self.cases, key)
        if let existing = fraudCase {
            guard existing.phase == .cancelRequested else {
                throw TierError.invalid("order \(order.orderID) was already placed: order ids must be unique")
            }
            fraudCase = FraudCase(phase: .cancelled)
            state.set(fraudCase, Self.cases, key)
            return [
                Emit(
                    OrderStatusChanged.make(
                        order.orderID, tenant: order.tenantID, to: .cancelled, from: .placed,
                        reason: existing.cancelReason, actor: existing.cancelActor, at: now))
            ]
        }
        let signals = FraudRules.signals(of: order)
        state.set(
            FraudCase(phase: .probing, order: try order.serializedBytes(), expected: signals.count), Self.cases, key)
        let placedAt = order.hasPlacedAt ? order.placedAt : Google_Protobuf_Timestamp(date: envelopeTime)
        return signals.map { signal in
            var probe = VelocityProbe()
            probe.orderID = order.orderID
            probe.tenantID = order.tenantID
            probe.dimension = signal.dimension
            probe.value = signal.value
            probe.amount = order.total
            probe.currency = order.currency
            probe.placedAt = placedAt
            probe.probeCount = Int32(signals.count)
            return Emit(probe)
        }
    }

    // MARK: Probe → count (on the partition of the signal value)

    private func count(_ probe: VelocityProbe, key: String, state: inout TierState, now: Date) -> VelocityCounted {
        var window = state.value(VelocityWindow.self, Self.windows, key) ?? VelocityWindow()
        let seconds = config.velocity.windowMinutes * 60
        let count = window.record(
            orderID: probe.orderID, time: probe.placedAt.timeIntervalSince1970, amount: probe.amount, window: seconds)
        state.set(window, Self.windows, key)
        var counted = VelocityCounted()
        counted.orderID = probe.orderID
        counted.tenantID = probe.tenantID
        counted.dimension = probe.dimension
        counted.value = probe.value
        counted.ordersInWindow = Int32(count.inWindow)
        counted.windowSeconds = Int32(seconds)
        counted.previousOrders = Int32(count.previousOrders)
        counted.previousAverage = count.previousAverage
        counted.probeCount = probe.probeCount
        counted.countedAt = Google_Protobuf_Timestamp(date: now)
        return counted
    }

    // MARK: Counts → decision (on the partition of the order)

    private func counted(_ count: VelocityCounted, state: inout TierState, now: Date) -> [Emit] {
        let key = OrderKey.scoped(count.tenantID, count.orderID)
        guard var fraudCase = state.value(FraudCase.self, Self.cases, key), fraudCase.phase == .probing else {
            return []  // cancelled meanwhile, or already decided: a late or repeated count changes nothing
        }
        fraudCase.counts[count.dimension] = FraudRules.SignalCount(
            ordersInWindow: Int(count.ordersInWindow), previousOrders: Int(count.previousOrders),
            previousAverage: count.previousAverage)
        guard fraudCase.counts.count >= fraudCase.expected, let order = try? OrderPlaced(serializedBytes: fraudCase.order)
        else {
            state.set(fraudCase, Self.cases, key)
            return []
        }
        let assessment = rules.assess(order, counts: fraudCase.counts)
        var emits = [Emit(assessed(order, assessment, decidedBy: "rules", now: now))]
        switch assessment.decision {
        case .review:
            fraudCase.phase = .inReview
            emits.append(Emit(reviewRequested(order, assessment, escalated: false, now: now)))
            emits.append(status(order, .inReview, from: .placed, reason: "risk score \(assessment.score)", actor: "rules", now: now))
            state.schedule(
                DurableTimer(
                    name: Self.slaTimer, key: key, due: now.addingTimeInterval(config.reviewSLAMinutes * 60),
                    payload: ["order_id": order.orderID], tenantID: order.tenantID))
        case .reject:
            fraudCase = FraudCase(phase: .rejected)
            emits.append(status(order, .rejected, from: .placed, reason: "risk score \(assessment.score)", actor: "rules", now: now))
        default:
            fraudCase = FraudCase(phase: .approved)
            emits.append(status(order, .approved, from: .placed, reason: "risk score \(assessment.score)", actor: "rules", now: now))
        }
        state.set(fraudCase, Self.cases, key)
        return emits
    }

    // MARK: Events

    func assessed(_ order: OrderPlaced, _ assessment: FraudRules.Assessment, decidedBy: String, now: Date) -> OrderAssessed {
        var event = OrderAssessed()
        event.orderID = order.orderID
        event.tenantID = order.tenantID
        event.riskScore = Int32(assessment.score)
        event.decision = assessment.decision
        event.reasons = assessment.reasons
        event.order = order
        event.decidedBy = decidedBy
        event.assessedAt = Google_Protobuf_Timestamp(date: now)
        return event
    }

    func reviewRequested(_ order: OrderPlaced, _ assessment: FraudRules.Assessment, escalated: Bool, now: Date)
        -> ReviewRequested
    {
        var event = ReviewRequested()
        event.orderID = order.orderID
        event.tenantID = order.tenantID
        event.riskScore = Int32(assessment.score)
        event.reasons = assessment.reasons
        event.requestedAt = Google_Protobuf_Timestamp(date: now)
        event.slaDueAt = Google_Protobuf_Timestamp(date: now.addingTimeInterval(config.reviewSLAMinutes * 60))
        event.escalated = escalated
        return event
    }

    func status(_ order: OrderPlaced, _ status: OrderStatus, from previous: OrderStatus, reason: String, actor: String, now: Date)
        -> Emit
    {
        Emit(
            OrderStatusChanged.make(
                order.orderID, tenant: order.tenantID, to: status, from: previous, reason: reason, actor: actor, at: now))
    }
}
