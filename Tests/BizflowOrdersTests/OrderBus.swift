import BizflowEvents
@testable import BizflowOrders
import BizflowRuntime
import BizflowTopology
import BizflowTestSupport
import Foundation

/// The order tiers wired together in memory: every emitted event is handed, in order, to each tier that consumes
/// its topic, each tier with one partition of state. Tests the domain logic and the saga without Kafka.
struct OrderBus {
    let topics = PipelineTopics()
    let fraud: FraudTier
    let inventory: InventoryTier
    let fulfilment: FulfilmentTier
    var states: [String: TierState] = [:]
    /// Every event that went over the bus, with its topic.
    var log: [(topic: String, event: any DomainEvent)] = []
    /// What a tier refused, as the runtime would dead-letter it.
    var deadLetters: [(tier: String, key: String, reason: String)] = []
    var now = Date(timeIntervalSince1970: 1_790_000_000)

    init(fraudConfig: FraudConfig? = nil) throws {
        fraud = FraudTier(config: try fraudConfig ?? shippedFraud())
        inventory = InventoryTier(warehouses: try shippedWarehouses())
        fulfilment = FulfilmentTier(config: try shippedFulfilment(), warehouses: try shippedWarehouses(), secret: "")
    }

    /// Which tiers consume each topic, as the topology says (the notification tier is left out: it posts over HTTP).
    private var consumers: [String: [(name: String, tier: any Tier)]] {
        let tiers: [(String, any Tier)] = [("fraud", fraud), ("inventory", inventory), ("fulfilment", fulfilment)]
        var consumers: [String: [(name: String, tier: any Tier)]] = [:]
        for (name, tier) in tiers {
            for topic in Self.topology.tier(named: name)?.consumes ?? [] { consumers[topics.prefix + topic, default: []].append((name, tier)) }
        }
        return consumers
    }

    static let topology = try! Topology.load(path: topologyDirectory + "/topology.yaml")

    /// Where the runtime would send an emit of `tier`: its topic, else the produced topic that carries its type.
    static func topic(of emit: Emit, from tier: String) -> String {
        emit.topic.isEmpty ? topology.outputTopics(ofTier: tier)[emit.type.eventType] ?? "" : emit.topic
    }

    /// Sends an event and everything it causes, until the bus is quiet.
    mutating func send(_ event: any DomainEvent, to topic: String) async throws {
        var queue: [(String, any DomainEvent, String?)] = [(topic, event, nil)]
        while !queue.isEmpty {
            let (topic, event, key) = queue.removeFirst()
            log.append((topic, event))
            for (name, tier) in consumers[topic] ?? [] {
                let envelope = EventEnvelope(source: "test", type: type(of: event).eventType, tenantID: event.tenantID)
                let input = InboundEvent(
                    envelope: envelope, event: event, topic: topic, partition: 0, offset: 0, key: key ?? event.eventKey)
                var state = states[name] ?? .detached()
                do {
                    let emits = try await tier.handle(input, state: &state, now: now)
                    states[name] = state
                    queue += emits.map { (Self.topic(of: $0, from: name), $0.event, $0.key) }
                } catch {
                    deadLetters.append((name, input.key, "\(error)"))
                }
            }
        }
    }

    /// Fires a fraud timer that is due by `now`.
    mutating func fireFraudTimer(key: String) async throws {
        var state = states["fraud"] ?? .detached()
        guard let timer = state.timer(key: key, name: FraudTier.slaTimer) else { return }
        let emits = try await fraud.fire(timer, state: &state, now: now)
        states["fraud"] = state
        for emit in emits { try await send(emit.event, to: Self.topic(of: emit, from: "fraud")) }
    }

    /// Events of a type seen so far.
    func events<T: DomainEvent>(_ type: T.Type) -> [T] { log.compactMap { $0.event as? T } }

    /// The statuses an order went through, in order.
    func statuses(_ orderID: String) -> [OrderStatus] {
        events(OrderStatusChanged.self).filter { $0.orderID == orderID }.map(\.status)
    }

    /// The inventory tier's ledger of a SKU.
    func ledger(_ sku: String, tenant: String = "acme") -> StockLedger? {
        states["inventory"]?.value(StockLedger.self, InventoryTier.stock, OrderKey.scoped(tenant, sku))
    }

    // MARK: Commands

    static func cancel(_ orderID: String, actor: String = "ops@acme", reason: String = "customer asked") -> CancelOrder {
        var command = CancelOrder()
        command.commandID = "cancel-\(orderID)"
        command.orderID = orderID
        command.tenantID = "acme"
        command.actor = actor
        command.reason = reason
        return command
    }

    static func review(_ orderID: String, approve: Bool, reviewer: String = "rita") -> ReviewDecision {
        var decision = ReviewDecision()
        decision.commandID = "review-\(orderID)"
        decision.orderID = orderID
        decision.tenantID = "acme"
        decision.decision = approve ? .approve : .reject
        decision.reviewer = reviewer
        decision.note = "checked by phone"
        return decision
    }

    static func callback(_ orderID: String, _ status: ShipmentStatus, shipment: Int = 1) -> CarrierCallback {
        var callback = CarrierCallback()
        callback.orderID = orderID
        callback.tenantID = "acme"
        callback.shipmentID = "\(orderID)-s\(shipment)"
        callback.status = status
        return callback
    }

    static func returnRequest(_ orderID: String, rma: String, _ items: [OrderItem]) -> ReturnRequested {
        var request = ReturnRequested()
        request.rmaID = rma
        request.orderID = orderID
        request.tenantID = "acme"
        request.items = items
        request.reason = "too small"
        return request
    }
}
