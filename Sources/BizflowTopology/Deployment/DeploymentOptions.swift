import Foundation

/// What the rendered deployment files (Kubernetes, Compose, Grafana) take besides the topology.
public struct DeploymentOptions: Sendable {
    /// The container image with the `bizflow` binary as its entrypoint (built by ops/Dockerfile).
    public var image = "bizflow:latest"
    /// Where tiers and the projector serve /metrics and /healthz.
    public var metricsPort = 9464
    /// The gateway's port.
    public var gatewayPort = 8080
    /// Records of lag per replica before KEDA adds one.
    public var lagThreshold = 500
    /// The domain configuration files beside the topology (file name → contents), mounted at /etc/bizflow.
    public var configFiles: [(name: String, contents: String)] = []

    public init() {}

    /// Options with the configuration files beside `topologyPath` (every `*.yaml` of its directory).
    public static func beside(_ topologyPath: String) throws -> DeploymentOptions {
        var options = DeploymentOptions()
        let directory = URL(fileURLWithPath: topologyPath).deletingLastPathComponent()
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }.sorted()
        options.configFiles = try names.map { name in
            (name, try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
        }
        return options
    }

    /// Every rendered file, by its path below the repository's `ops/` directory.
    public static func renderedFiles(_ topology: Topology, _ options: DeploymentOptions) -> [String: String] {
        var files: [String: String] = ["docker-compose.yml": topology.compose(options), "grafana/bizflow.json": topology.grafanaDashboard()]
        for (name, text) in topology.kubernetes(options) { files["k8s/" + name] = text }
        return files
    }

    /// The header every rendered file starts with.
    static func header(_ command: String, comment: String = "#") -> String {
        "\(comment) Generated from Topology/ by `bizflow topology render \(command)`: do not edit by hand (a test keeps it in sync).\n"
    }
}

extension Topology {
    /// The partitions of a tier's inputs: the most replicas that can share its work.
    func partitions(of tier: Tier) -> Int {
        tier.consumes.compactMap { topic(named: $0)?.partitions }.max() ?? 1
    }

    /// The process name of a tier in deployments: `bizflow-<tier>`.
    static func workloadName(_ tier: Tier) -> String { "bizflow-\(tier.name)" }
}
