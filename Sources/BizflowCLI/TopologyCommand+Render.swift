import ArgumentParser
import BizflowTopology
import Foundation

extension TopologyCommand {
    /// `topology render`: the deployment files generated from the topology (Kubernetes, Compose, Grafana).
    struct Render: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write ops/k8s/, ops/docker-compose.yml and ops/grafana/bizflow.json from the topology.",
            discussion: "With --check nothing is written: the command fails when a committed file differs from what it would write.")
        @Argument(help: "What to render: all, k8s, compose or grafana.") var target = "all"
        @Option(help: "The ops directory to write into.") var out = "ops"
        @Option(help: "The container image the manifests run.") var image = DeploymentOptions().image
        @Flag(help: "Compare with the files on disk instead of writing them.") var check = false
        @OptionGroup var topologyOptions: TopologyOptions

        func validate() throws {
            guard ["all", "k8s", "compose", "grafana"].contains(target) else {
                throw ValidationError("render all, k8s, compose or grafana (not \(target))")
            }
        }

        func run() async throws {
            let topology = try topologyOptions.loadChecked()
            var options = try DeploymentOptions.beside(topologyOptions.path)
            options.image = image
            let prefix = ["all": "", "k8s": "k8s/", "compose": "docker-compose", "grafana": "grafana/"][target]!
            let files = DeploymentOptions.renderedFiles(topology, options).filter { $0.key.hasPrefix(prefix) }
            var stale: [String] = []
            for (path, text) in files.sorted(by: { $0.key < $1.key }) {
                let url = URL(fileURLWithPath: out).appendingPathComponent(path)
                if check {
                    if (try? String(contentsOf: url, encoding: .utf8)) != text { stale.append(url.path) }
                } else {
                    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try text.write(to: url, atomically: true, encoding: .utf8)
                    print("wrote \(url.path)")
                }
            }
            if check {
                guard stale.isEmpty else {
                    printError("out of date with the topology: \(stale.joined(separator: ", ")); run `bizflow topology render`")
                    throw ExitCode(1)
                }
                print("\(files.count) files match the topology")
            }
        }
    }
}
