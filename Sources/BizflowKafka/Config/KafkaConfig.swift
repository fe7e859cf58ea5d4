import CRdKafka
import Foundation

/// Connection settings for a Kafka cluster plus any librdkafka properties (SASL, TLS, tuning).
public struct KafkaConfig: Sendable {
    /// Comma-separated `host:port` list.
    public var bootstrapServers: String
    /// Extra librdkafka properties, passed through as they are.
    public var properties: [String: String]

    public static let defaultBootstrap = "127.0.0.1:9092"

    public init(bootstrapServers: String = KafkaConfig.defaultBootstrap, properties: [String: String] = [:]) {
        self.bootstrapServers = bootstrapServers
        self.properties = properties
    }

    /// Reads `KAFKA_BOOTSTRAP_SERVERS`, `KAFKA_CONFIG_FILE` (Java properties) and `KAFKA_CONFIG_<key_with_underscores>`.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, bootstrap: String? = nil
    ) throws(KafkaError) -> KafkaConfig {
        var config = KafkaConfig(
            bootstrapServers: bootstrap ?? environment["KAFKA_BOOTSTRAP_SERVERS"] ?? defaultBootstrap)
        if let file = environment["KAFKA_CONFIG_FILE"], !file.isEmpty {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw .local("read KAFKA_CONFIG_FILE", "cannot read \(file): check the path and its permissions")
            }
            config.properties.merge(parseProperties(text)) { _, new in new }
        }
        for (name, value) in environment where name.hasPrefix("KAFKA_CONFIG_") && name != "KAFKA_CONFIG_FILE" {
            let key = name.dropFirst("KAFKA_CONFIG_".count).lowercased().replacingOccurrences(of: "_", with: ".")
            config.properties[key] = value
        }
        return config
    }

    /// Parses `key=value` lines; `#` and `!` start comments.
    static func parseProperties(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#"), !line.hasPrefix("!"),
                let eq = line.firstIndex(where: { $0 == "=" || $0 == ":" })
            else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            result[key] = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        }
        return result
    }

    /// Builds an `rd_kafka_conf_t` from these settings, then `overrides` (the caller's own needs) on top.
    package func makeConf(_ overrides: [String: String] = [:]) throws(KafkaError) -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var all = properties
        all["bootstrap.servers"] = bootstrapServers
        all["log.queue"] = "true"
        all.merge(overrides) { _, new in new }
        var errstr = [CChar](repeating: 0, count: 512)
        for (key, value) in all.sorted(by: { $0.key < $1.key }) {
            if rd_kafka_conf_set(conf, key, value, &errstr, errstr.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                // The value is left out: it may be a secret.
                let reason = Self.isSecret(key) ? "invalid value" : RdKafka.text(errstr)
                throw .local("configure Kafka client", "property \(key): \(reason)")
            }
        }
        return conf
    }

    static func isSecret(_ key: String) -> Bool {
        ["password", "secret", "key", "token", "jaas"].contains { key.lowercased().contains($0) }
    }
}
