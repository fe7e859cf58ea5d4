import BizflowConfig
import BizflowRuntime
import Foundation

/// The order pipeline's tiers, each declared once.
public enum OrderTiers {
    /// Every tier this module provides, in pipeline order.
    public static let definitions: [TierDefinition] = [
        TierDefinition(
            name: "fraud", summary: "assess orders: rules, velocity, human review of risky ones",
            configFiles: ["fraud.yaml"]
        ) { context in
            FraudTier(config: try FraudConfig.load(path: context.path("fraud.yaml")))
        },
        TierDefinition(
            name: "inventory", summary: "reserve stock; backorders, restocks, low-stock alerts",
            configFiles: ["warehouses.yaml"]
        ) { context in
            InventoryTier(warehouses: try WarehouseConfig.load(path: context.path("warehouses.yaml")))
        },
        TierDefinition(
            name: "fulfilment", summary: "labels, shipments, carrier callbacks, returns and refunds",
            configFiles: ["fulfilment.yaml", "warehouses.yaml"]
        ) { context in
            let file = context.path("fulfilment.yaml")
            let config = try FulfilmentConfig.load(path: file, environment: context.environment)
            // Simulated labels need no secret; a real carrier API gets signed requests.
            let secret = config.labelEndpoint.isEmpty
                ? ""
                : try WebhookConfig(endpoint: config.labelEndpoint, secretEnv: config.secretEnv).requireSecret(file: file, context.environment)
            return FulfilmentTier(
                config: config, warehouses: try WarehouseConfig.load(path: context.path("warehouses.yaml")), secret: secret)
        },
        TierDefinition(
            name: "notifications", summary: "notify customers of their orders through a signed webhook",
            configFiles: ["notifications.yaml"]
        ) { context in
            let file = context.path("notifications.yaml")
            let config = try WebhookConfig.load(path: file, urlVariable: "BIZFLOW_NOTIFY_URL", environment: context.environment)
            return NotificationTier(config: config, secret: try config.requireSecret(file: file, context.environment))
        },
    ]
}
