import BizflowConfig
import BizflowRuntime
import Foundation

/// Builds the order pipeline's tiers from the domain configuration beside the topology file.
public enum OrderTiers {
    /// The tiers this module provides.
    public static let names = ["fraud", "inventory", "fulfilment", "notifications"]

    /// The tier actor called `name`, configured from the files in `configDirectory`.
    public static func make(
        _ name: String, configDirectory: String, topics: OrderTopics,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> any Tier {
        func path(_ file: String) -> String { (configDirectory as NSString).appendingPathComponent(file) }
        switch name {
        case "fraud":
            return FraudTier(config: try FraudConfig.load(path: path("fraud.yaml")), topics: topics)
        case "inventory":
            return InventoryTier(warehouses: try WarehouseConfig.load(path: path("warehouses.yaml")), topics: topics)
        case "fulfilment":
            let file = path("fulfilment.yaml")
            let config = try FulfilmentConfig.load(path: file, environment: environment)
            // Simulated labels need no secret; a real carrier API gets signed requests.
            let secret = config.labelEndpoint.isEmpty
                ? "" : try WebhookConfig(endpoint: config.labelEndpoint, secretEnv: config.secretEnv).requireSecret(file: file, environment)
            return FulfilmentTier(
                config: config, warehouses: try WarehouseConfig.load(path: path("warehouses.yaml")), secret: secret,
                topics: topics)
        case "notifications":
            let file = path("notifications.yaml")
            let config = try WebhookConfig.load(path: file, urlVariable: "BIZFLOW_NOTIFY_URL", environment: environment)
            return NotificationTier(config: config, secret: try config.requireSecret(file: file, environment), topics: topics)
        default:
            throw ConfigError(file: configDirectory, "no order tier is called \(name) (known: \(names.joined(separator: ", ")))")
        }
    }
}
