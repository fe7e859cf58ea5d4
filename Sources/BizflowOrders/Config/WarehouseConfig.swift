import BizflowConfig

/// Warehouses and shipping regions (`Topology/warehouses.yaml`), shared by inventory and fulfilment.
public struct WarehouseConfig: CheckedConfiguration, Codable, Sendable, Equatable {
    public struct Warehouse: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var country: String
        public var region: String
    }

    public var warehouses: [Warehouse]
    /// Region name → ISO country codes in it.
    public var regions: [String: [String]]
    /// Low-stock alerts fire below this many available units unless a stock adjustment sets another point.
    public var defaultReorderPoint: Int64

    enum CodingKeys: String, CodingKey {
        case warehouses, regions
        case defaultReorderPoint = "default_reorder_point"
    }

    /// Loads and validates the file.
    public static func load(path: String) throws -> WarehouseConfig {
        try ConfigFile.loadChecked(WarehouseConfig.self, path: path)
    }

    /// What is inconsistent (empty when the configuration is usable).
    public func problems() -> [String] {
        var problems: [String] = []
        if warehouses.isEmpty { problems.append("warehouses must list at least one warehouse") }
        let ids = warehouses.map(\.id)
        if Set(ids).count != ids.count { problems.append("warehouse ids must be unique") }
        for warehouse in warehouses where regions[warehouse.region] == nil {
            problems.append("warehouse \(warehouse.id) is in region \(warehouse.region), which regions does not list")
        }
        if defaultReorderPoint < 0 { problems.append("default_reorder_point must not be negative") }
        return problems
    }

    /// The region of a country, if any lists it.
    public func region(of country: String) -> String? {
        regions.first { $0.value.contains(country) }?.key
    }

    public func warehouse(_ id: String) -> Warehouse? { warehouses.first { $0.id == id } }

    /// Warehouses in the order they should serve `country`: same country, then same region, then the rest (by id).
    public func preference(for country: String) -> [Warehouse] {
        let region = region(of: country)
        func rank(_ w: Warehouse) -> Int { w.country == country ? 0 : (region != nil && w.region == region ? 1 : 2) }
        return warehouses.sorted { (rank($0), $0.id) < (rank($1), $1.id) }
    }

    /// How far a parcel goes from a warehouse to a country: domestic, regional or international.
    public func zone(from warehouse: Warehouse, to country: String) -> String {
        if warehouse.country == country { return "domestic" }
        if let region = region(of: country), region == warehouse.region { return "regional" }
        return "international"
    }
}
