import Foundation

/// Where and how nurture messages are delivered (`Topology/delivery.yaml`, overridable from the environment).
public struct DeliveryConfig: Codable, Sendable, Equatable {
    /// The provider's HTTP endpoint; `BIZFLOW_DELIVERY_URL` overrides it.
    public var endpoint: String
    /// The environment variable holding the HMAC signing secret.
    public var secretEnv: String
    public var timeoutMs: Int

    enum CodingKeys: String, CodingKey {
        case endpoint
        case secretEnv = "secret_env"
        case timeoutMs = "timeout_ms"
    }

    public init(endpoint: String, secretEnv: String = "BIZFLOW_WEBHOOK_SECRET", timeoutMs: Int = 5000) {
        self.endpoint = endpoint
        self.secretEnv = secretEnv
        self.timeoutMs = timeoutMs
    }

    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> DeliveryConfig
    {
        var config = try ConfigFile.load(DeliveryConfig.self, path: path)
        if let url = environment["BIZFLOW_DELIVERY_URL"], !url.isEmpty { config.endpoint = url }
        guard config.endpoint.hasPrefix("http://") || config.endpoint.hasPrefix("https://") else {
            throw ConfigError(file: path, "endpoint must be an http:// or https:// URL")
        }
        guard config.timeoutMs > 0 else { throw ConfigError(file: path, "timeout_ms must be positive") }
        return config
    }

    /// The signing secret from the environment; nil when unset.
    public func secret(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        environment[secretEnv].flatMap { $0.isEmpty ? nil : $0 }
    }
}
