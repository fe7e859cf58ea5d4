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
            let config = try DeliveryConfig.load(path: path("delivery.yaml"), environment: environment)
            guard let secret = config.secret(environment) else {
                throw ConfigError(
                    file: path("delivery.yaml"),
                    "the signing secret is missing: set \(config.secretEnv) (any long random string the receiver shares)")
            }
            return DeliveryTier(config: config, secret: secret, topics: topics)
        default:
            throw ConfigError(file: configDirectory, "no lead tier is called \(name) (known: \(names.joined(separator: ", ")))")
        }
    }
}
