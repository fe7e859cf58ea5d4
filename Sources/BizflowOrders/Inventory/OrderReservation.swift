/// The join of an approved order's per-SKU answers (state store `orders`, keyed by tenant and order id): a pure
/// state machine. Each answer moves one line; `next()` says what the order needs now.
struct OrderReservation: Codable, Equatable, Sendable {
    enum Phase: String, Codable, Sendable {
        /// First round of requests out.
        case reserving
        /// Some line is short: waiting for stock (the SKU's waiting list serves it first come, first served).
        case backordered
        /// Every line held: handed to fulfilment, which owns the order from now on.
        case reserved
        case cancelled
        /// A cancel overtook the approval: the order is cancelled as soon as it arrives.
        case cancelRequested
    }

    enum LineState: String, Codable, Sendable { case pending, held, missing, released }

    struct Line: Codable, Equatable, Sendable {
        var sku: String
        var quantity: Int64
        var state: LineState = .pending
        var warehouse = ""
        /// The most one warehouse had when the line was refused.
        var available: Int64 = 0
    }

    /// What the tier must do after an answer.
    enum Step: Equatable, Sendable {
        case wait
        /// Request these SKUs (again).
        case request([String])
        /// First shortage: release these held SKUs, report the missing lines, status backordered.
        case backorder(release: [String], missing: [Line])
        /// Still short after a retry round: report the missing lines again.
        case stillShort(missing: [Line])
        /// Every line is held.
        case reserved
    }

    var phase: Phase
    /// The order (protobuf OrderPlaced) while it is being reserved.
    var order: [UInt8] = []
    var lines: [Line] = []
    var preferred = ""
    var cancelActor = ""
    var cancelReason = ""
    /// The missing SKUs last reported, so a shortage is reported once per change.
    var reported: [String] = []

    /// Lines by SKU, quantities summed (an order may list a SKU twice), sorted by SKU.
    static func lines(_ items: [(sku: String, quantity: Int64)]) -> [Line] {
        var quantities: [String: Int64] = [:]
        for item in items { quantities[item.sku, default: 0] += item.quantity }
        return quantities.keys.sorted().map { Line(sku: $0, quantity: quantities[$0]!) }
    }

    /// Applies a RESERVE answer for `sku`. Only a pending or missing line changes.
    mutating func answer(sku: String, granted: Bool, warehouse: String, available: Int64) {
        guard let index = lines.firstIndex(where: { $0.sku == sku }),
            lines[index].state == .pending || lines[index].state == .missing
        else { return }
        if granted {
            lines[index].state = .held
            lines[index].warehouse = warehouse
        } else {
            lines[index].state = .missing
            lines[index].available = available
        }
    }

    /// What to do now; moves the lines and the phase accordingly.
    mutating func next() -> Step {
        guard phase == .reserving || phase == .backordered else { return .wait }
        if lines.allSatisfy({ $0.state == .held }) {
            phase = .reserved
            return .reserved
        }
        if lines.contains(where: { $0.state == .pending }) { return .wait }
        let missing = lines.filter { $0.state == .missing }
        if missing.isEmpty {
            // The short lines were served from the waiting list: ask again for those given back.
            let again = lines.indices.filter { lines[$0].state == .released }
            for index in again { lines[index].state = .pending }
            return .request(again.map { lines[$0].sku })
        }
        let missingSKUs = missing.map(\.sku)
        if phase == .reserving {
            phase = .backordered
            reported = missingSKUs
            let held = lines.indices.filter { lines[$0].state == .held }
            for index in held { lines[index].state = .released }
            return .backorder(release: held.map { lines[$0].sku }, missing: missing)
        }
        guard missingSKUs != reported else { return .wait }
        reported = missingSKUs
        return .stillShort(missing: missing)
    }

    /// The SKUs a cancel must release: every line that holds stock or waits for it.
    var releasable: [String] { lines.filter { $0.state != .released }.map(\.sku) }
}
