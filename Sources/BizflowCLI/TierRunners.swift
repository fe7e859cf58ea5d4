import BizflowConfig
import BizflowKafka
import BizflowLeads
import BizflowOrders
import BizflowRuntime
import BizflowTopology
import Foundation
import Logging

/// Builds tier runners from the topology and the domain configuration beside it (for `run` and `demo`).
struct TierRunners {
    /// Every tier this build runs, in pipeline order.
    static let names = LeadTiers.names + OrderTiers.names
    var topology: Topology
    var topologyPath: String
    var kafka: KafkaConfig
    var instanceID: String
    var topicPrefix = ""
    var mode = DeliveryMode.exactlyOnce
    var batch = 2_000
    var linger = Duration.milliseconds(20)
    var clock: any TierClock = SystemClock()
    var parkKeys = false
    var profileStages = false
    /// Where the runners report their group membership.
    var members: MemberReporter?

    func make(_ names: [String], logger: Logger) throws -> [TierRunner] {
        let configDirectory = (topologyPath as NSString).deletingLastPathComponent
        return try names.map { name in
            guard let declared = topology.tier(named: name), let changelog = declared.changelog else {
                throw ConfigError(file: topologyPath, "tier \(name) is not declared with a changelog")
            }
            let partitions = declared.consumes.compactMap { topology.topic(named: $0)?.partitions }.first ?? 1
            let tier =
                OrderTiers.names.contains(name)
                ? try OrderTiers.make(name, configDirectory: configDirectory, topics: OrderTopics(prefix: topicPrefix))
                : try LeadTiers.make(
                    name, configDirectory: configDirectory, partitions: partitions, topics: LeadTopics(prefix: topicPrefix))
            var settings = TierSettings(
                name: name, groupID: topicPrefix + declared.group, inputs: declared.consumes.map { topicPrefix + $0 },
                changelog: topicPrefix + changelog, kafka: kafka, instanceID: instanceID)
            settings.mode = mode
            settings.maxBatch = batch
            settings.linger = linger
            settings.clock = clock
            settings.parkKeysOnFailure = parkKeys
            settings.profileStages = profileStages
            settings.members = members
            settings.stateTTL = declared.stateTTLDays.map { .seconds($0 * 86_400) }
            for input in declared.consumes {
                settings.acceptedTypes[topicPrefix + input] = Set(topology.topic(named: input)?.events ?? [])
            }
            return TierRunner(settings: settings, tier: tier, logger: logger)
        }
    }
}
