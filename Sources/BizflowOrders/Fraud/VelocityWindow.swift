/// The orders that shared one signal value (a customer, an email, a card, an IP) recently, and its history.
/// Recording the same order twice changes nothing, so a redelivered probe is counted once.
struct VelocityWindow: Codable, Equatable, Sendable {
    struct Entry: Codable, Equatable, Sendable {
        var orderID: String
        /// Event time, seconds since 1970.
        var time: Double
        var amount: Int64
        /// The history before this order, kept so a repeated probe gets the same answer.
        var previousOrders: Int
        var previousTotal: Int64
    }

    /// Recent orders, by time.
    private(set) var entries: [Entry] = []
    /// Every order ever recorded and their total amount.
    private(set) var orders = 0
    private(set) var total: Int64 = 0

    /// What a probe learns about its value.
    struct Count: Codable, Equatable, Sendable {
        var inWindow: Int
        var previousOrders: Int
        var previousAverage: Int64
    }

    /// Records an order at `time` and counts the orders in the `window` seconds up to it, itself included.
    mutating func record(orderID: String, time: Double, amount: Int64, window: Double) -> Count {
        let entry: Entry
        if let known = entries.first(where: { $0.orderID == orderID }) {
            entry = known
        } else {
            entry = Entry(orderID: orderID, time: time, amount: amount, previousOrders: orders, previousTotal: total)
            let at = entries.firstIndex { $0.time > time } ?? entries.endIndex
            entries.insert(entry, at: at)
            orders += 1
            total += amount
        }
        // Keep what a later (or slightly earlier) order could still count.
        if let newest = entries.last?.time { entries.removeAll { $0.time <= newest - window * 2 } }
        let inWindow = entries.count { $0.time > entry.time - window && $0.time <= entry.time }
        let average = entry.previousOrders == 0 ? 0 : entry.previousTotal / Int64(entry.previousOrders)
        return Count(inWindow: inWindow, previousOrders: entry.previousOrders, previousAverage: average)
    }
}
