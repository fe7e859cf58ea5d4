import BizflowConfig
import BizflowHTTP
import BizflowRuntime
import Foundation

/// The lead pipeline's tiers, each declared once.
public enum LeadTiers {
    /// Every tier this module provides, in pipeline order.
    public static let definitions: [TierDefinition] = [
        TierDefinition(
            name: "scoring", summary: "score captured leads; re-score on engagement; overrides",
            configFiles: ["scoring.yaml"]
        ) { context in
            ScoringTier(config: try ScoringConfig.load(path: context.path("scoring.yaml")), modelTopics: context.reads)
        },
        TierDefinition(
            name: "assignment", summary: "assign scored leads to reps; SLA escalation; reassignment",
            configFiles: ["reps.yaml"]
        ) { context in
            AssignmentTier(config: try AssignmentConfig.load(path: context.path("reps.yaml")), partitions: context.partitions)
        },
        TierDefinition(
            name: "nurture", summary: "enrol leads in campaigns and send each step when due",
            configFiles: ["campaigns.yaml"]
        ) { context in
            NurtureTier(campaigns: try CampaignConfig.load(path: context.path("campaigns.yaml")))
        },
        TierDefinition(
            name: "delivery", summary: "deliver nurture messages to a signed webhook",
            configFiles: ["delivery.yaml"]
        ) { context in
            let file = context.path("delivery.yaml")
            let config = try WebhookConfig.load(path: file, urlVariable: "BIZFLOW_DELIVERY_URL", environment: context.environment)
            return DeliveryTier(config: config, secret: try config.requireSecret(file: file, context.environment))
        },
        TierDefinition(
            name: "recycling", summary: "send stalled leads back to assignment or nurture",
            configFiles: ["recycling.yaml"]
        ) { context in
            RecyclingTier(config: try RecyclingConfig.load(path: context.path("recycling.yaml")))
        },
    ]
}
