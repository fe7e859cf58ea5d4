import BizflowEmbeddedBroker
import BizflowEvents
import BizflowKafka
import BizflowOrders
import BizflowRuntime
import BizflowTestSupport
import Foundation
import Testing

@Suite("Crash recovery of the inventory tier", .serialized)
struct InventoryCrashTests {
    static let orders = 300
    static let scarceStock: Int64 = 40

    /// Approved orders: each takes one SKU-PLENTY, every third also one SKU-SCARCE (100 ask for 40).
    func approved() -> [OrderAssessed] {
        (0..<Self.orders).map { i in
            var order = OrderPlaced()
            order.orderID = String(format: "inv-%03d", i)
            order.tenantID = "acme"
            order.customerEmail = "c\(i)@example.com"
            order.currency = "EUR"
            var plenty = OrderItem()
            plenty.sku = "SKU-PLENTY"
            plenty.quantity = 1
            order.items = [plenty]
            if i % 3 == 0 {
                var scarce = OrderItem()
                scarce.sku = "SKU-SCARCE"
                scarce.quantity = 1
                order.items.append(scarce)
            }
            order.shippingAddress.country = "DE"
            var assessed = OrderAssessed()
            assessed.orderID = order.orderID
            assessed.tenantID = "acme"
            assessed.decision = .approve
            assessed.order = order
            return assessed
        }
    }

    func adjustment(_ sku: String, _ units: Int64) -> StockAdjusted {
        var adjustment = StockAdjusted()
        adjustment.adjustmentID = "initial-\(sku)"
        adjustment.tenantID = "acme"
        adjustment.sku = sku
        adjustment.warehouseID = "wh-berlin"
        adjustment.delta = units
        adjustment.reason = .initial
        return adjustment
    }

    @Test("a SIGKILLed inventory process restarts to the same final stock, with no duplicate reservations")
    func killAndRestart() async throws {
        let broker = try await brokerWithTopology()
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: quietLogger())
        for adjustment in [adjustment("SKU-PLENTY", 1_000), adjustment("SKU-SCARCE", Self.scarceStock)] {
            _ = try await producer.send(try EventRecord.make(adjustment, source: "test", topic: "inventory.stock").0)
        }
        let arguments = ["run", "inventory", "--bootstrap", broker.bootstrapServers, "--instance", "inv-1", "--batch", "20"]
        // Both processes use one state directory: the restart finds the killed one's stores unclean and restores fully.
        let state = BizflowProcess.newStateDirectory()
        defer { try? FileManager.default.removeItem(at: state) }
        let first = try BizflowProcess(arguments, stateDirectory: state)
        // The stock is committed before any order arrives, so no order waits for the initial stock.
        #expect(await eventually(timeout: .seconds(60)) { (try? await ledgers(broker).count) == 2 })
        // 40 ms per broker round trip keeps the stream (15 batches, a few round trips each) long enough to kill it
        // midway, also when a loaded machine polls the count below late (unslowed, the embedded broker lets the whole
        // stream finish between two polls).
        try broker.setRoundTripTime(40)
        try await producer.sendBatch(approved().map { try EventRecord.make($0, source: "test", topic: "orders.assessed").0 })
        try await producer.flush()
        #expect(await eventually(timeout: .seconds(60)) { (try? await recordCount(broker, topic: "orders.reserved")) ?? 0 >= 60 })
        await first.kill()
        let atKill = try await recordCount(broker, topic: "orders.reserved")
        try broker.setRoundTripTime(0)

        let second = try BizflowProcess(arguments + ["--log-level", "info"], stateDirectory: state)
        let outcomes = try await statuses(broker, orders: Self.orders)
        // Backordered orders give their SKU-PLENTY back (compensation): wait for those releases to be committed.
        let expectedReserved = Int64(Self.orders - (Self.orders / 3 - Int(Self.scarceStock)))
        let settled = await eventually(timeout: .seconds(60)) {
            (try? await ledgers(broker)["acme|SKU-PLENTY"]?.levels["wh-berlin"]?.reserved) == expectedReserved
        }
        #expect(settled)
        #expect(await second.terminate() == 0, "SIGTERM is a clean shutdown")
        #expect(second.logTail(lines: 100_000).contains("not closed cleanly"), "the killed process's stores are not trusted")
        #expect(atKill < Int64(Self.orders * 2), "the process was killed mid-stream:\n\(first.logTail())")

        // One outcome event per order (a record the embedded broker shows twice carries the same id).
        #expect(outcomes.count == Self.orders)
        #expect(outcomes.values.allSatisfy { $0.count == 1 }, "\(outcomes.filter { $0.value.count > 1 }.prefix(3))")
        let reserved = outcomes.values.filter { $0.first?.status == .reserved }.count
        #expect(reserved == Self.orders - (Self.orders / 3 - Int(Self.scarceStock)))

        // The ledgers restored from the changelog are what one uninterrupted run leaves.
        let final = try await ledgers(broker)
        let scarce = try #require(final["acme|SKU-SCARCE"]?.levels["wh-berlin"])
        #expect(scarce.available == 0 && scarce.reserved == Self.scarceStock)
        #expect(final["acme|SKU-SCARCE"]?.waiting.count == Self.orders / 3 - Int(Self.scarceStock))
        let plenty = try #require(final["acme|SKU-PLENTY"]?.levels["wh-berlin"])
        #expect(plenty.reserved == Int64(reserved) && plenty.available == 1_000 - Int64(reserved))
        await producer.close()
    }

    /// The committed stock ledgers by tenant|SKU, read from the inventory changelog as a restore would.
    func ledgers(_ broker: EmbeddedBroker) async throws -> [String: StockLedger] {
        let state = try await StateInspector.read(
            changelog: "inventory.changelog", partitions: 6, store: "stock", kafka: broker.kafkaConfig, logger: quietLogger())
        var ledgers: [String: StockLedger] = [:]
        for (key, bytes) in state.entries.values.flatMap({ $0 }) {
            ledgers[key] = try StateDecoder().decode(StockLedger.self, from: bytes)
        }
        return ledgers
    }

    /// Reads orders.reserved until every order has its first outcome; returns each order's distinct status events.
    func statuses(_ broker: EmbeddedBroker, orders: Int) async throws -> [String: [(id: String, status: OrderStatus)]] {
        var config = KafkaConsumer.Configuration(kafka: broker.kafkaConfig, groupID: "check-\(UUID())", topics: ["orders.reserved"])
        config.properties = ["session.timeout.ms": "6000"]
        let consumer = try KafkaConsumer(configuration: config, logger: quietLogger())
        var seen = Set<String>()
        var result: [String: [(id: String, status: OrderStatus)]] = [:]
        let deadline = ContinuousClock.now + .seconds(120)
        while result.count < orders && ContinuousClock.now < deadline {
            for message in try await consumer.nextBatch(max: 1000, timeout: .seconds(1)) {
                guard let (envelope, event) = try? EventRecord.decode(message), let change = event as? OrderStatusChanged,
                    seen.insert(envelope.id).inserted
                else { continue }
                result[change.orderID, default: []].append((envelope.id, change.status))
            }
        }
        await consumer.close()
        return result
    }
}
