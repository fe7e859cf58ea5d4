/// State keys of the order tiers. Record keys carry only the order id or SKU; state keys add the tenant so two
/// tenants' SKU "A-1" (or order "1001") never share an entry.
enum OrderKey {
    static func scoped(_ tenant: String, _ id: String) -> String { tenant + "|" + id }
}
