import BizflowEvents
import BizflowHTTP
import BizflowKafka
import BizflowRuntime
import BizflowTestSupport
import BizflowTopology
import Foundation
import Testing
import Yams

/// The deployment files cannot run here (no Docker engine, no cluster): these tests check that they are what the
/// topology renders, that they parse, and that they say what the topology says.
@Suite("Deployment files: Kubernetes, Compose, Grafana")
struct DeploymentFilesTests {
    let topologyPath = testRepositoryRoot.appendingPathComponent("Topology/topology.yaml").path
    var topology: Topology { get throws { try Topology.load(path: topologyPath) } }

    func committed(_ path: String) throws -> String {
        try String(contentsOf: testRepositoryRoot.appendingPathComponent("ops").appendingPathComponent(path), encoding: .utf8)
    }

    /// Every YAML document of a file, as dictionaries.
    func documents(_ path: String) throws -> [[String: Any]] {
        try Yams.load_all(yaml: try committed(path)).compactMap { $0 as? [String: Any] }
    }

    @Test("the committed files are exactly what `bizflow topology render` makes of the topology")
    func inSync() throws {
        let files = DeploymentOptions.renderedFiles(try topology, try DeploymentOptions.beside(topologyPath))
        #expect(files.count == 7)
        for (path, text) in files {
            #expect((try? committed(path)) == text, "ops/\(path) is stale: run `bizflow topology render`")
        }
    }

    @Test("Kubernetes: a Deployment and a KEDA ScaledObject per tier (max replicas = partitions, lag of its group on each input), the gateway Service, config and secrets")
    func kubernetes() throws {
        let topology = try topology
        var byKind: [String: [String: [String: Any]]] = [:]
        for path in ["k8s/config.yaml", "k8s/tiers.yaml", "k8s/gateway.yaml", "k8s/setup-job.yaml"] {
            for document in try documents(path) {
                let kind = try #require(document["kind"] as? String)
                let name = try #require((document["metadata"] as? [String: Any])?["name"] as? String)
                #expect(document["apiVersion"] is String, "\(kind) \(name) has an apiVersion")
                #expect(byKind[kind]?[name] == nil, "\(kind) \(name) is declared once")
                byKind[kind, default: [:]][name] = document
            }
        }
        for tier in topology.tiers {
            let name = "bizflow-\(tier.name)"
            let deployment = try #require(byKind["Deployment"]?[name], "a Deployment for \(tier.name)")
            let pod = try #require(((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
            let container = try #require((pod["containers"] as? [[String: Any]])?.first)
            let args = try #require(container["args"] as? [String])
            #expect(Array(args.prefix(2)) == ["run", tier.name])
            let scaled = try #require(byKind["ScaledObject"]?[name], "a ScaledObject for \(tier.name)")
            let spec = try #require(scaled["spec"] as? [String: Any])
            let partitions = tier.consumes.compactMap { topology.topic(named: $0)?.partitions }.max()
            #expect(spec["maxReplicaCount"] as? Int == partitions)
            #expect((spec["scaleTargetRef"] as? [String: Any])?["name"] as? String == name)
            let triggers = try #require(spec["triggers"] as? [[String: Any]])
            let metadata = triggers.compactMap { $0["metadata"] as? [String: Any] }
            #expect(triggers.allSatisfy { $0["type"] as? String == "kafka" })
            #expect(Set(metadata.compactMap { $0["consumerGroup"] as? String }) == [tier.group])
            #expect(metadata.compactMap { $0["topic"] as? String } == tier.consumes)
        }
        let gateway = try #require(byKind["Deployment"]?["bizflow-gateway"])
        let service = try #require(byKind["Service"]?["bizflow-gateway"])
        let selector = try #require((service["spec"] as? [String: Any])?["selector"] as? [String: String])
        let podLabels = (((gateway["spec"] as? [String: Any])?["template"] as? [String: Any])?["metadata"] as? [String: Any])?["labels"] as? [String: String]
        #expect(podLabels == selector, "the Service selects the gateway's pods")
        #expect(byKind["Secret"]?["bizflow-secrets"] != nil && byKind["TriggerAuthentication"]?["bizflow-kafka"] != nil)
        #expect(byKind["Job"]?["bizflow-setup"] != nil)

        // The topology ConfigMap carries every domain configuration file, parsing to the same values.
        let data = try #require((byKind["ConfigMap"]?["bizflow-topology"])?["data"] as? [String: String])
        let directory = testRepositoryRoot.appendingPathComponent("Topology")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }
        #expect(Set(data.keys) == Set(names))
        for name in names {
            let original = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            #expect(data[name] == original, "\(name) is carried byte for byte")
        }
        let kustomization = try #require(try documents("k8s/kustomization.yaml").first)
        #expect(Set(kustomization["resources"] as? [String] ?? []) == ["config.yaml", "setup-job.yaml", "tiers.yaml", "gateway.yaml"])
    }

    @Test("Compose: Kafka in KRaft mode, PostgreSQL, a setup step, a service per tier and the gateway")
    func compose() throws {
        let topology = try topology
        let file = try #require(try Yams.load(yaml: try committed("docker-compose.yml")) as? [String: Any])
        let services = try #require(file["services"] as? [String: [String: Any]])
        let kafka = try #require(services["kafka"]?["environment"] as? [String: Any])
        #expect(kafka["KAFKA_PROCESS_ROLES"] as? String == "broker,controller", "KRaft: no ZooKeeper")
        #expect(services["postgres"] != nil && services["gateway"] != nil && services["setup"] != nil)
        for tier in topology.tiers {
            let service = try #require(services[tier.name], "a service for \(tier.name)")
            #expect(Array((service["command"] as? [String] ?? []).prefix(2)) == ["run", tier.name])
            // The shared block is merged in: image, environment, and waiting for the setup step.
            #expect(service["image"] as? String != nil)
            #expect((service["environment"] as? [String: Any])?["KAFKA_BOOTSTRAP_SERVERS"] as? String == "kafka:9092")
            #expect((service["depends_on"] as? [String: Any])?["setup"] != nil)
        }
        #expect(services.count == topology.tiers.count + 4)
    }

    @Test("Grafana: the dashboard parses and charts only metrics the processes export; a running tier exports them")
    func grafana() async throws {
        let dashboard = try #require(
            try JSONSerialization.jsonObject(with: Data(try committed("grafana/bizflow.json").utf8)) as? [String: Any])
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        #expect(panels.count >= 8)
        let expressions = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        let known = Set(Topology.dashboardMetrics.values.flatMap { $0 })
        let used = Set(expressions.flatMap { expression in
            expression.matches(of: /(bizflow_|hb_|http_server_)[a-z_]+/).map { String($0.output.0) }
        })
        #expect(used.isSubset(of: known), "unknown metrics: \(used.subtracting(known).sorted())")
        #expect(known.isSubset(of: used), "every listed metric is charted")

        // A scoring process with --metrics-port exports every tier metric the dashboard charts.
        let broker = try await brokerWithTopology()
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: quietLogger())
        _ = try await producer.sendAll(try sampleLeads(20).map { try EventRecord.make($0, source: "test", topic: "leads.captured").0 })
        let port = Int.random(in: 20_000..<30_000)
        let process = try BizflowProcess([
            "run", "scoring", "--bootstrap", broker.bootstrapServers, "--metrics-port", "\(port)", "--instance", "metrics-1",
        ])
        let client = HTTPClient()
        let pages = Recorder<String>()
        let exported = await eventually(timeout: .seconds(60)) {
            guard let response = try? await client.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/metrics"))
            else { return false }
            let text = String(decoding: response.body, as: UTF8.self)
            pages.append(text)
            return text.contains("bizflow_tier_consumed_total")
        }
        #expect(exported)
        let text = pages.all.last ?? ""
        for metric in Topology.dashboardMetrics["tier"]! {
            #expect(text.contains(metric), "\(metric) is exported")
        }
        #expect(await process.terminate() == 0)
        await producer.close()
    }
}
