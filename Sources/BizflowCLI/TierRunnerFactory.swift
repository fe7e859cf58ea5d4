import BizflowConfig
import BizflowKafka
import BizflowRuntime
import BizflowTopology
import Foundation
import Logging

/// Builds tier runners from the topology and the domain configuration beside it (for `run` and `demo`).
package struct TierRunnerFactory {
    package var topology: Topology
    package var topologyPath: String
    package var kafka: KafkaConfig
    package var instanceID: String
    package var topicPrefix = ""
    package var mode = DeliveryMode.exactlyOnce
    package var batch = 2_000
    package var linger = Duration.milliseconds(20)
    package var clock: any TierClock = SystemClock()
    package var parkKeys = false
    package var profileStages = false
    /// Where the runners report their group membership.
    package var members: MemberReporter?
    /// Where partitions keep their state on disk; nil: in memory.
    package var stateDirectory: String?
    package var stateCacheKeys = 10_000
    /// Keep warm copies of the partitions other processes own.
    package var standby = false

    package func make(_ names: [String], logger: Logger) throws -> [TierRunner] {
        let configDirectory = (topologyPath as NSString).deletingLastPathComponent
        return try names.map { name in
            guard let declared = topology.tier(named: name), let changelog = declared.changelog else {
                throw ConfigError(file: topologyPath, "tier \(name) is not declared with a changelog")
            }
            let partitions = declared.consumes.compactMap { topology.topic(named: $0)?.partitions }.first ?? 1
            let tier = try TierCatalog.definitions.make(
                name, TierBuildContext(
                    configDirectory: configDirectory, partitions: partitions, topicPrefix: topicPrefix,
                    reads: declared.reads.map { topicPrefix + $0 }))
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
            settings.stateDirectory = stateDirectory
            settings.stateCacheKeys = stateCacheKeys
            if standby { settings.standbyPartitions = (0..<Int32(partitions)).map { $0 } }
            settings.stateTTL = declared.stateTTLDays.map { .seconds($0 * 86_400) }
            settings.outputTopics = topology.outputTopics(ofTier: name, prefix: topicPrefix)
            for input in declared.consumes {
                settings.acceptedTypes[topicPrefix + input] = Set(topology.topic(named: input)?.events ?? [])
            }
            return TierRunner(settings: settings, tier: tier, logger: logger)
        }
    }
}
