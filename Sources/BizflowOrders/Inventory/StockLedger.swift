/// The stock of one SKU in every warehouse, and the orders waiting for it (first come, first served). Only the
/// inventory tier's owner of the SKU's partition changes it, one request at a time: it can never oversell.
/// Invariant: `available` never goes below zero, and `available + reserved + shipped` changes only through
/// stock adjustments.
public struct StockLedger: Codable, Equatable, Sendable {
    public struct Level: Codable, Equatable, Sendable {
        public var available: Int64 = 0
        public var reserved: Int64 = 0
        public var shipped: Int64 = 0
        public var reorderPoint: Int64

        public var total: Int64 { available + reserved + shipped }
    }

    /// An order line waiting for stock.
    public struct Waiter: Codable, Equatable, Sendable {
        public var orderID: String
        public var quantity: Int64
        public var preferred: String
        public var lineCount: Int32
    }

    public private(set) var levels: [String: Level] = [:]
    public private(set) var waiting: [Waiter] = []

    public init() {}

    /// The warehouse that can cover `quantity` on its own: the preferred one if it can, else the one with the most
    /// available (ties by id). A line ships from one warehouse.
    public func warehouse(for quantity: Int64, preferred: String) -> String? {
        if let level = levels[preferred], level.available >= quantity { return preferred }
        return levels.filter { $0.value.available >= quantity }
            .max { ($0.value.available, $1.key) < ($1.value.available, $0.key) }?.key
    }

    /// The most any single warehouse has available.
    public var bestAvailable: Int64 { levels.values.map(\.available).max() ?? 0 }

    public var totalAvailable: Int64 { levels.values.reduce(0) { $0 + $1.available } }

    mutating func reserve(_ quantity: Int64, at warehouse: String) {
        levels[warehouse]?.available -= quantity
        levels[warehouse]?.reserved += quantity
    }

    mutating func release(_ quantity: Int64, at warehouse: String) {
        levels[warehouse]?.reserved -= quantity
        levels[warehouse]?.available += quantity
    }

    mutating func ship(_ quantity: Int64, at warehouse: String) {
        levels[warehouse]?.reserved -= quantity
        levels[warehouse]?.shipped += quantity
    }

    mutating func receiveReturn(_ quantity: Int64, at warehouse: String) {
        levels[warehouse]?.shipped -= quantity
        levels[warehouse]?.available += quantity
    }

    /// Applies a stock adjustment; refuses one that would leave less than nothing available (returns why).
    mutating func adjust(_ warehouse: String, delta: Int64, reorderPoint: Int64, defaultReorderPoint: Int64) -> String? {
        var level = levels[warehouse] ?? Level(reorderPoint: defaultReorderPoint)
        guard level.available + delta >= 0 else {
            return "the adjustment of \(delta) would leave \(level.available + delta) available in \(warehouse) "
                + "(\(level.available) available, \(level.reserved) reserved)"
        }
        level.available += delta
        if reorderPoint > 0 { level.reorderPoint = reorderPoint }
        levels[warehouse] = level
        return nil
    }

    mutating func enqueue(_ waiter: Waiter) {
        if !isWaiting(waiter.orderID) { waiting.append(waiter) }
    }

    func isWaiting(_ orderID: String) -> Bool { waiting.contains { $0.orderID == orderID } }

    mutating func removeWaiter(_ orderID: String) { waiting.removeAll { $0.orderID == orderID } }

    /// Reserves for waiting orders in arrival order, stopping at the first that still cannot be covered (so a later,
    /// smaller order never jumps the queue). Returns the served waiters with their warehouses.
    mutating func serveWaiting() -> [(waiter: Waiter, warehouse: String)] {
        var served: [(Waiter, String)] = []
        while let first = waiting.first, let warehouse = warehouse(for: first.quantity, preferred: first.preferred) {
            reserve(first.quantity, at: warehouse)
            waiting.removeFirst()
            served.append((first, warehouse))
        }
        return served
    }

    /// Warehouses whose available stock fell below their reorder point since `before`.
    public func crossedReorderPoint(since before: StockLedger) -> [String] {
        levels.keys.sorted().filter { id in
            guard let now = levels[id], now.available < now.reorderPoint else { return false }
            guard let then = before.levels[id] else { return true }
            return then.available >= then.reorderPoint || then.reorderPoint != now.reorderPoint
        }
    }
}
