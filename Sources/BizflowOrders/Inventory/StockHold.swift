/// One order's reservation of one SKU (state store `holds`, keyed by tenant, SKU and order): what makes a repeated
/// reserve, release, ship or return request harmless.
struct StockHold: Codable, Equatable, Sendable {
    var warehouse: String
    var quantity: Int64
    var shipped = false
    var returned: Int64 = 0
    /// Returns already applied, by reference (RMA id).
    var returns: [String] = []
}
