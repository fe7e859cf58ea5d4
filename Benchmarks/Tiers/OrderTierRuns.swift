import Benchmark
import BizflowEvents
import BizflowKafka
import BizflowOrders
import BizflowRuntime
import BizflowTopology
import Foundation

// The fraud and inventory tiers end to end on the embedded broker, over a backlog of orders. Each tier also
// consumes its own intermediate topic (fraud.signals; inventory.reservations and inventory.answers), so one
// order is several events: the runs report per order, and the README divides by the events each order makes.
let orderCount = 20_000
let orderTopology = URL(fileURLWithPath: "Topology").path

/// A clean order: four distinct fraud signals, two lines from two SKUs, shipped within Germany.
func benchOrder(_ i: Int) -> OrderPlaced {
    var order = OrderPlaced()
    order.orderID = "bench-\(i)"
    order.tenantID = "acme"
    order.customerID = "cust-\(i % 5_000)"
    order.customerEmail = "c\(i % 5_000)@example.com"
    order.currency = "EUR"
    let skus = (0..<50).map { "SKU-\($0)" }
    for (sku, quantity) in [(skus[i % 50], 1), (skus[(i * 7 + 3) % 50], 2)] {
        var item = OrderItem()
        item.sku = sku
        item.quantity = Int32(quantity)
        item.unitPrice = 1_000
        order.items.append(item)
    }
    order.total = 3_000
    order.shippingAddress.country = "DE"
    order.billingAddress.country = "DE"
    order.payment.cardFingerprint = "card-\(i % 7_000)"
    order.payment.ipAddress = "10.1.\(i % 200).\(i % 250)"
    order.placedAt = .init(date: Date(timeIntervalSince1970: 1_790_000_000 + Double(i)))
    return order
}

/// Writes `events` to `topic` outside the measurement.
func backlog(into topic: String, _ events: [any DomainEvent]) async throws {
    let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: logger)
    for start in stride(from: 0, to: events.count, by: 2_000) {
        try await producer.sendBatch(
            events[start..<min(start + 2_000, events.count)].map { try EventRecord.make($0, source: "bench", topic: topic).0 })
    }
    try await producer.flush(timeout: .seconds(120))
    await producer.close()
}

/// Runs one order tier over its inputs until `done` says so, measuring from start to done.
func orderTierRun(
    _ benchmark: Benchmark, tier name: String, inputs: [String: String], topics: BenchOrderTopics, output: String,
    expected: Int64
) async throws {
    let changelog = newTopic("changelog")
    let admin = try KafkaAdmin(config: broker.kafkaConfig, logger: logger)
    var settings = TierSettings(
        name: name, groupID: "bench-\(UUID())", inputs: inputs.values.sorted(), changelog: changelog,
        kafka: broker.kafkaConfig, instanceID: UUID().uuidString)
    settings.maxBatch = 2_000
    settings.outputTopics = try Topology.load(path: orderTopology + "/topology.yaml").outputTopics(ofTier: name, prefix: topics.prefix)
    let tier = try OrderTiers.definitions.make(name, TierBuildContext(configDirectory: orderTopology, topicPrefix: topics.prefix))
    benchmark.startMeasurement()
    let runner = TierRunner(settings: settings, tier: tier, logger: logger)
    let task = Task { try await runner.run() }
    while try await written(admin, output) < expected { try await Task.sleep(for: .milliseconds(20)) }
    benchmark.stopMeasurement()
    runner.stop()
    try await task.value
}

/// A prefix whose order topics all exist with the benchmark's partition count.
func orderTopics() throws -> BenchOrderTopics {
    let topics = BenchOrderTopics(prefix: "bench.\(UUID().uuidString.prefix(6)).")
    for topic in [
        topics.placed, topics.commands, topics.signals, topics.assessed, topics.reservations, topics.answers, topics.stock,
        topics.alerts, topics.reserved,
    ] {
        try broker.createTopic(topic, partitions: partitions)
    }
    return topics
}

/// Fraud: placed → 4 probes → 4 counts → assessed + status: 11 events through the tier per order.
func fraudRun(_ benchmark: Benchmark) async throws {
    let topics = try orderTopics()
    try await backlog(into: topics.placed, (0..<orderCount).map(benchOrder))
    try await orderTierRun(
        benchmark, tier: "fraud", inputs: ["placed": topics.placed, "commands": topics.commands, "signals": topics.signals],
        topics: topics, output: topics.assessed, expected: Int64(orderCount * 2))
}

/// Inventory: approved → 2 reservation requests → 2 answers → reserved + status: 7 events per order.
func inventoryRun(_ benchmark: Benchmark) async throws {
    let topics = try orderTopics()
    let stock: [any DomainEvent] = (0..<50).map { i in
        var adjustment = StockAdjusted()
        adjustment.adjustmentID = "bench-\(i)"
        adjustment.tenantID = "acme"
        adjustment.sku = "SKU-\(i)"
        adjustment.warehouseID = "wh-berlin"
        adjustment.delta = 1_000_000
        return adjustment
    }
    try await backlog(into: topics.stock, stock)
    let approved: [any DomainEvent] = (0..<orderCount).map { i in
        var assessed = OrderAssessed()
        assessed.orderID = "bench-\(i)"
        assessed.tenantID = "acme"
        assessed.decision = .approve
        assessed.order = benchOrder(i)
        return assessed
    }
    try await backlog(into: topics.assessed, approved)
    try await orderTierRun(
        benchmark, tier: "inventory",
        inputs: [
            "assessed": topics.assessed, "reservations": topics.reservations, "answers": topics.answers,
            "stock": topics.stock, "commands": topics.commands,
        ], topics: topics, output: topics.reserved, expected: Int64(orderCount * 2))
}

/// The order pipeline's topics under a benchmark's own prefix.
struct BenchOrderTopics {
    let prefix: String
    var placed: String { prefix + "orders.placed" }
    var commands: String { prefix + "orders.commands" }
    var signals: String { prefix + "fraud.signals" }
    var assessed: String { prefix + "orders.assessed" }
    var reservations: String { prefix + "inventory.reservations" }
    var answers: String { prefix + "inventory.answers" }
    var stock: String { prefix + "inventory.stock" }
    var alerts: String { prefix + "inventory.alerts" }
    var reserved: String { prefix + "orders.reserved" }
}
