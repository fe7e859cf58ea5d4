import Foundation

/// Where and how a tier posts webhooks (nurture deliveries, customer notifications): a YAML file beside the
/// topology, whose endpoint an environment variable can override.
public struct WebhookConfig: Codable, Sendable, Equatable {
    /// The receiver's HTTP endpoint.
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

    /// Loads `path`; a non-empty `urlVariable` in `environment` replaces the endpoint.
    public static func load(
        path: String, urlVariable: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> WebhookConfig {
        var config = try ConfigFile.load(WebhookConfig.self, path: path)
        if let url = environment[urlVariable], !url.isEmpty { config.endpoint = url }
        guard config.endpoint.hasPrefix("http://") || config.endpoint.hasPrefix("https://") else {
            throw ConfigError(file: path, "endpoint must be an http:// or https:// URL (or set \(urlVariable))")
        }
        guard config.timeoutMs > 0 else { throw ConfigError(file: path, "timeout_ms must be positive") }
        return config
    }

    /// The signing secret from the environment; nil when unset.
    public func secret(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        environment[secretEnv].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The signing secret, or an error saying which variable to set.
    public func requireSecret(file: String, _ environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> String
    {
        guard let secret = secret(environment) else {
            throw ConfigError(
                file: file, "the signing secret is missing: set \(secretEnv) (any long random string the receiver shares)")
        }
        return secret
    }
}
