/// Pure shipment planning: one parcel per warehouse the order's stock was reserved in, each with the cheapest
/// carrier service that ships its weight to the destination's zone at the order's service level.
public struct ShipmentPlanner: Sendable {
    public let config: FulfilmentConfig
    public let warehouses: WarehouseConfig

    public init(config: FulfilmentConfig, warehouses: WarehouseConfig) {
        self.config = config
        self.warehouses = warehouses
    }

    public struct Line: Codable, Equatable, Sendable {
        public var sku: String
        public var quantity: Int64
    }

    /// One planned parcel.
    public struct Plan: Codable, Equatable, Sendable {
        public var shipmentID: String
        public var warehouse: String
        public var carrier: String
        public var service: String
        public var level: String
        public var zone: String
        public var weightGrams: Int
        public var rateMinor: Int64
        public var currency: String
        public var lines: [Line]
    }

    /// Plans the parcels of an order; the error says why no carrier can take one.
    public func plan(
        orderID: String, reservations: [(sku: String, quantity: Int64, warehouse: String)], country: String,
        level: String
    ) -> Result<[Plan], PlanningError> {
        let byWarehouse = Dictionary(grouping: reservations, by: \.warehouse)
        var plans: [Plan] = []
        for (index, warehouseID) in byWarehouse.keys.sorted().enumerated() {
            guard let warehouse = warehouses.warehouse(warehouseID) else {
                return .failure(PlanningError("warehouse \(warehouseID) is not in warehouses.yaml"))
            }
            let lines = byWarehouse[warehouseID]!.sorted { $0.sku < $1.sku }.map { Line(sku: $0.sku, quantity: $0.quantity) }
            let weight = lines.reduce(0) { $0 + config.weight(of: $1.sku, quantity: Int($1.quantity)) }
            let zone = warehouses.zone(from: warehouse, to: country)
            let wanted = level.isEmpty ? "standard" : level
            guard let service = choose(weight: weight, zone: zone, level: wanted) else {
                return .failure(PlanningError("no carrier service ships \(weight) g \(zone) from \(warehouseID) to \(country)"))
            }
            plans.append(
                Plan(
                    shipmentID: "\(orderID)-s\(index + 1)", warehouse: warehouseID, carrier: service.carrier,
                    service: service.service, level: service.level, zone: zone, weightGrams: weight,
                    rateMinor: service.rate(weightGrams: weight), currency: service.currency, lines: lines))
        }
        return .success(plans)
    }

    /// The cheapest service at the wanted level; if none ships this parcel, the cheapest faster one; then any.
    func choose(weight: Int, zone: String, level: String) -> FulfilmentConfig.CarrierService? {
        let eligible = config.services.filter { $0.zones.contains(zone) && $0.maxWeightGrams >= weight }
        let rank = FulfilmentConfig.levels.firstIndex(of: level) ?? 0
        func cheapest(_ services: [FulfilmentConfig.CarrierService]) -> FulfilmentConfig.CarrierService? {
            services.min { ($0.rate(weightGrams: weight), $0.carrier, $0.service) < ($1.rate(weightGrams: weight), $1.carrier, $1.service) }
        }
        return cheapest(eligible.filter { $0.level == level })
            ?? cheapest(eligible.filter { (FulfilmentConfig.levels.firstIndex(of: $0.level) ?? 0) > rank })
            ?? cheapest(eligible)
    }

    /// Why a parcel cannot be planned.
    public struct PlanningError: Error, Equatable, Sendable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
