import BizflowConfig
import BizflowHTTP
import BizflowRuntime
import Foundation

/// Builds the lead pipeline's tiers from the domain configuration beside the topology file.
public enum LeadTiers {
    /// The tiers this module provides.
    public static let names = ["scoring", "assignment", "nurture", "delivery"]

    /// The tier actor called `name`, configured from the files in `configDirectory`.
    public static func make(
        _ name: String, configDirectory: String, partitions: Int, topics: LeadTopics,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> any Tier {
        func path(_ file: String) -> String { (configDirectory as NSString).appendingPathComponent(file) }
        switch name {
        case "scoring":
            return ScoringTier(config: try ScoringConfig.load(path: path("scoring.yaml")), topics: topics)
        case "assignment":
            return AssignmentTier(
                config: try AssignmentConfig.load(path: path("reps.yaml")), partitions: partitions, topics: topics)
        case "nurture":
            return NurtureTier(campaigns: try CampaignConfig.load(path: path("campaigns.yaml")), topics: topics)
        case "delivery":
            let file = path("delivery.yaml")
            let config = try WebhookConfig.load(path: file, urlVariable: "BIZFLOW_DELIVERY_URL", environment: environment)
            return DeliveryTier(config: config, secret: try config.requireSecret(file: file, environment), topics: topics)
        default:
            throw ConfigError(file: configDirectory, "no lead tier is called \(name) (known: \(names.joined(separator: ", ")))")
        }
    }
}
