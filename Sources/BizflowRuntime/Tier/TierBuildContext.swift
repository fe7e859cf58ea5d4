import Foundation

/// What a tier is built from: the directory of its configuration, its input's partition count, the topic prefix of
/// this pipeline, the topics it reads whole (the topology's `reads`, prefixed) and the environment (secrets and
/// endpoints).
public struct TierBuildContext: Sendable {
    public var configDirectory: String
    public var partitions: Int
    public var topicPrefix: String
    public var reads: [String]
    public var environment: [String: String]

    public init(
        configDirectory: String, partitions: Int = 1, topicPrefix: String = "", reads: [String] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.configDirectory = configDirectory
        self.partitions = partitions
        self.topicPrefix = topicPrefix
        self.reads = reads
        self.environment = environment
    }

    /// A configuration file's path.
    public func path(_ file: String) -> String { (configDirectory as NSString).appendingPathComponent(file) }
}
