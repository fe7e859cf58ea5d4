import BizflowCLI
import Foundation

extension BenchReferences {
    /// Where the Python peer lives: its interpreter (ops/peer-env's venv) and its protobuf code.
    struct Peer {
        var python: String
        var script: String
        var protos: String
        var config: String

        /// The peer beside a checkout whose topology is at `topologyPath`; nil (with the reason) when its venv is missing.
        static func find(topologyPath: String) throws -> Peer {
            let root = URL(fileURLWithPath: topologyPath).deletingLastPathComponent().deletingLastPathComponent()
            let python = ProcessInfo.processInfo.environment["BIZFLOW_PYTHON"] ?? root.appendingPathComponent(".bizflow/venv/bin/python").path
            guard FileManager.default.isExecutableFile(atPath: python) else {
                throw BenchError("the Python peer's environment is missing: run ops/peer-env (ops/bench does)")
            }
            return Peer(
                python: python, script: root.appendingPathComponent("Benchmarks/PythonPeer/scoring_peer.py").path,
                protos: root.appendingPathComponent(".bizflow/pyprotos").path,
                config: URL(fileURLWithPath: topologyPath).deletingLastPathComponent().appendingPathComponent("scoring.yaml").path)
        }
    }
}
